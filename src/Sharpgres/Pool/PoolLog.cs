using Microsoft.Extensions.Logging;

namespace Sharpgres.Pool;

/// <summary>What a pool logs, under the category <c>Sharpgres.Pool</c> (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class PoolLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "pool '{Pool}': connection opened (pid {Pid}, {Milliseconds} ms)")]
    public static partial void Opened(ILogger logger, string pool, int pid, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "pool '{Pool}': connection closed (pid {Pid}): {Reason}")]
    public static partial void Closed(ILogger logger, string pool, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pool '{Pool}': error connecting: {Error}")]
    public static partial void ConnectFailed(ILogger logger, string pool, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pool '{Pool}': reconnection attempts failed for {Seconds} s (reconnect_timeout); requests keep retrying")]
    public static partial void ReconnectFailed(ILogger logger, string pool, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pool '{Pool}': rolling back returned connection (pid {Pid}, {State})")]
    public static partial void RollingBack(ILogger logger, string pool, int pid, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pool '{Pool}': discarding returned connection (pid {Pid}): {Reason}")]
    public static partial void DiscardingReturned(ILogger logger, string pool, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "pool '{Pool}': connection failed its check (pid {Pid}): {Error}")]
    public static partial void CheckFailed(ILogger logger, string pool, int pid, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "pool '{Pool}': request waiting ({Waiting} in the queue)")]
    public static partial void Waiting(ILogger logger, string pool, int waiting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Timeout(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "pool '{Pool}': growing to {Size} connections")]
    public static partial void Growing(ILogger logger, string pool, int size);

    [LoggerMessage(Level = LogLevel.Information, Message = "pool '{Pool}': {What}")]
    public static partial void Lifecycle(ILogger logger, string pool, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pool '{Pool}': background task failed")]
    public static partial void TaskFailed(ILogger logger, string pool, Exception error);
}
