using Microsoft.Extensions.Logging;
using Sharpgres.HighAvailability;

namespace Sharpgres.Protocol;

/// <summary>
/// Noticing that the server under a live session changed kind: a ParameterStatus for in_hot_standby or
/// default_transaction_read_only (PostgreSQL 14+ reports both when they change, e.g. a promotion, or a primary fenced
/// with <c>ALTER SYSTEM SET default_transaction_read_only = on</c>), or a 25006 read_only_sql_transaction on a session
/// that asked for a read-write server. Such a session is no longer reusable (<see cref="State"/> says Broken), so
/// pools discard it instead of handing out a connection that fails every write (efcore.pg #1306).
/// </summary>
internal sealed partial class Session
{
    /// <summary>
    /// True once the server is no longer of the kind the connection's target_session_attrs asked for. The session
    /// still works (the caller's statement got its normal answer); it just must not be reused.
    /// </summary>
    public bool IsOnWrongKindOfServer { get; private set; }

    private void OnParameterStatusForKind(string name)
    {
        if (!Started || name is not ("in_hot_standby" or "default_transaction_read_only")) return;
        var kind = HostKinds.FromParameters(Parameters);
        if (kind == HostKind.Unknown) return;
        HostStates.Record(Target, kind);   // what every later connection attempt of the process will know
        if (kind.Mismatch(Settings.TargetSessionAttrs) is { } why) MarkWrongKind(why);
    }

    /// <summary>
    /// An ErrorResponse with SQLSTATE 25006 read_only_sql_transaction, on a session that asked for a read-write
    /// server: the server (or this session) is read-only. (A user's own READ ONLY transaction gets the same code; the
    /// cost of discarding that session is one reconnect.)
    /// </summary>
    private void NoteIfReadOnlyError(string? sqlState)
    {
        if (sqlState == "25006" && Settings.TargetSessionAttrs == TargetSessionAttrs.ReadWrite)
            MarkWrongKind("a statement failed with 25006 read_only_sql_transaction");
    }

    private void MarkWrongKind(string why)
    {
        if (IsOnWrongKindOfServer) return;
        IsOnWrongKindOfServer = true;
        _logger.LogWarning("the server at {Target} no longer matches target_session_attrs={Attrs}: {Why}; the connection will not be reused",
            Target, Settings.TargetSessionAttrs, why);
    }
}
