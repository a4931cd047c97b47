using Microsoft.Extensions.Logging;

namespace Sharpgres.Pool;

/// <summary>What a pool logs, under the category <c>Sharpgres.Pool</c> (source-generated: nothing is formatted when the level is off), event ids 5xxx beside the other categories' (Telemetry/Log.cs).</summary>
internal static partial class PoolLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "pool '{Pool}': connection opened (pid {Pid}, {Milliseconds} ms)")]
    public static partial void Opened(ILogger logger, string pool, int pid, long milliseconds);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "pool '{Pool}': connection closed (pid {Pid}): {Reason}")]
    public static partial void Closed(ILogger logger, string pool, int pid, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "pool '{Pool}': error connecting: {Error}")]
    public static partial void ConnectFailed(ILogger logger, string pool, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "pool '{Pool}': reconnection attempts failed for {Seconds} s (reconnect_timeout); requests keep retrying")]
    public static partial void ReconnectFailed(ILogger logger, string pool, double seconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "pool '{Pool}': rolling back returned connection (pid {Pid}, {State})")]
    public static partial void RollingBack(ILogger logger, string pool, int pid, string state);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "pool '{Pool}': discarding returned connection (pid {Pid}): {Reason}")]
    public static partial void DiscardingReturned(ILogger logger, string pool, int pid, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "pool '{Pool}': connection failed its check (pid {Pid}): {Error}")]
    public static partial void CheckFailed(ILogger logger, string pool, int pid, string error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "pool '{Pool}': request waiting ({Waiting} in the queue)")]
    public static partial void Waiting(ILogger logger, string pool, int waiting);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Timeout(ILogger logger, string message);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "pool '{Pool}': growing to {Size} connections")]
    public static partial void Growing(ILogger logger, string pool, int size);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "pool '{Pool}': {What}")]
    public static partial void Lifecycle(ILogger logger, string pool, string what);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "pool '{Pool}': background task failed")]
    public static partial void TaskFailed(ILogger logger, string pool, Exception error);
}
