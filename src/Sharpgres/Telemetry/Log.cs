using Microsoft.Extensions.Logging;

namespace Sharpgres;

/// <summary>
/// Every line Sharpgres logs, source-generated (LoggerMessage): no boxing or formatting unless the level is enabled.
/// Event ids by category: 1xxx Connection, 2xxx Command, 3xxx Transaction, 4xxx Copy, 5xxx Pool (Pool/PoolLog.cs, beside
/// the pool), 6xxx Notifications.
/// No message takes a password or a conninfo string: connections are named by host, port, database and user only.
/// </summary>
internal static partial class Log
{
    // Sharpgres.Connection
    [LoggerMessage(1000, LogLevel.Debug, "Opened connection to {Host}:{Port} database {Database} as {User} (backend pid {BackendPid}) in {DurationMs:0.###} ms")]
    public static partial void ConnectionOpened(ILogger logger, string host, int port, string database, string user, int backendPid, double durationMs);

    [LoggerMessage(1001, LogLevel.Debug, "Connecting to database {Database} failed after {DurationMs:0.###} ms")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string database, double durationMs);

    [LoggerMessage(1002, LogLevel.Debug, "Closed connection to {Host}:{Port} (backend pid {BackendPid})")]
    public static partial void ConnectionClosed(ILogger logger, string host, int port, int backendPid);

    [LoggerMessage(1003, LogLevel.Warning, "Connection to {Host}:{Port} broken (backend pid {BackendPid})")]
    public static partial void ConnectionBroken(ILogger logger, Exception exception, string host, int port, int backendPid);

    [LoggerMessage(1004, LogLevel.Warning, "{Warning}")]
    public static partial void SettingsWarning(ILogger logger, string warning);

    [LoggerMessage(1005, LogLevel.Warning, "Unknown TimeZone '{Zone}': timestamptz values are read in UTC")]
    public static partial void UnknownTimeZone(ILogger logger, string zone);

    [LoggerMessage(1006, LogLevel.Debug, "Server supports protocol 3.{Minor} only")]
    public static partial void ProtocolDowngrade(ILogger logger, int minor);

    [LoggerMessage(1007, LogLevel.Debug, "No channel binding data for this certificate")]
    public static partial void NoChannelBinding(ILogger logger, Exception exception);

    [LoggerMessage(1008, LogLevel.Warning, "Sending the cancel request failed")]
    public static partial void CancelFailed(ILogger logger, Exception exception);

    [LoggerMessage(1009, LogLevel.Debug, "Sending Terminate failed")]
    public static partial void TerminateFailed(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "A telemetry callback (Pg.Telemetry) threw; the operation goes on")]
    public static partial void TelemetryCallbackFailed(ILogger logger, Exception exception);

    // Sharpgres.Command
    [LoggerMessage(2000, LogLevel.Debug, "{Kind} executed in {DurationMs:0.###} ms, {Rows} rows: {Sql}")]
    public static partial void StatementExecuted(ILogger logger, PgOperationKind kind, double durationMs, long rows, string sql);

    [LoggerMessage(2001, LogLevel.Debug, "{Kind} executed in {DurationMs:0.###} ms, {Rows} rows: {Sql} with parameters {Parameters}")]
    public static partial void StatementExecutedWithParameters(ILogger logger, PgOperationKind kind, double durationMs, long rows, string sql, string parameters);

    [LoggerMessage(2002, LogLevel.Debug, "{Kind} failed after {DurationMs:0.###} ms with {ErrorType}: {Sql}")]
    public static partial void StatementFailed(ILogger logger, PgOperationKind kind, double durationMs, string errorType, string sql);

    // Sharpgres.Transaction
    [LoggerMessage(3000, LogLevel.Debug, "Committed in {DurationMs:0.###} ms ({Sql})")]
    public static partial void Committed(ILogger logger, double durationMs, string sql);

    [LoggerMessage(3001, LogLevel.Debug, "Rolled back in {DurationMs:0.###} ms ({Sql})")]
    public static partial void RolledBack(ILogger logger, double durationMs, string sql);

    [LoggerMessage(3002, LogLevel.Debug, "{Sql} failed after {DurationMs:0.###} ms with {ErrorType}")]
    public static partial void TransactionEndFailed(ILogger logger, string sql, double durationMs, string errorType);

    // Sharpgres.Copy
    [LoggerMessage(4000, LogLevel.Debug, "COPY finished in {DurationMs:0.###} ms, {Rows} rows: {Sql}")]
    public static partial void CopyFinished(ILogger logger, double durationMs, long rows, string sql);

    [LoggerMessage(4001, LogLevel.Debug, "COPY failed after {DurationMs:0.###} ms with {ErrorType}: {Sql}")]
    public static partial void CopyFailed(ILogger logger, double durationMs, string errorType, string sql);

    // Sharpgres.Notifications
    [LoggerMessage(6000, LogLevel.Information, "{Severity}: {Message}")]
    public static partial void Notice(ILogger logger, string? severity, string? message);

    [LoggerMessage(6001, LogLevel.Error, "A notice handler failed")]
    public static partial void NoticeHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(6002, LogLevel.Debug, "Notification on channel {Channel} from backend pid {Pid} ({PayloadLength} bytes of payload)")]
    public static partial void Notification(ILogger logger, string channel, int pid, int payloadLength);

    [LoggerMessage(6003, LogLevel.Warning, "More than {Limit} notifications are waiting for a Notifies loop on this connection (the last on channel {Channel}): the oldest are being dropped. Consume them with conn.Notifies(), or use a notify handler")]
    public static partial void NotifyBacklogOverflow(ILogger logger, int limit, string channel);

    [LoggerMessage(6004, LogLevel.Error, "A notify handler failed")]
    public static partial void NotifyHandlerFailed(ILogger logger, Exception exception);
}
