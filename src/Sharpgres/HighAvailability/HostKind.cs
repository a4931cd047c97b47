namespace Sharpgres.HighAvailability;

/// <summary>
/// What a server was last found to be, in target_session_attrs' terms: down, a read-write primary, a primary whose
/// sessions default to read-only (<c>default_transaction_read_only=on</c>), or a hot standby (in recovery).
/// </summary>
internal enum HostKind { Unknown, Down, Primary, PrimaryReadOnly, Standby }

internal static class HostKinds
{
    /// <summary>
    /// The kind from the two facts libpq checks: <c>in_hot_standby</c> (<c>pg_is_in_recovery()</c> before 14) and
    /// <c>default_transaction_read_only</c> (<c>SHOW transaction_read_only</c> before 14).
    /// </summary>
    public static HostKind From(bool standby, bool readOnly) =>
        standby ? HostKind.Standby : readOnly ? HostKind.PrimaryReadOnly : HostKind.Primary;

    /// <summary>
    /// The kind from a session's ParameterStatus reports (PostgreSQL 14+ sends both at startup and on change), or
    /// Unknown when the server doesn't report them.
    /// </summary>
    public static HostKind FromParameters(IReadOnlyDictionary<string, string> parameters) =>
        parameters.TryGetValue("in_hot_standby", out var hs) && parameters.TryGetValue("default_transaction_read_only", out var ro)
            ? From(hs == "on", ro == "on")
            : HostKind.Unknown;

    /// <summary>Null when a server of this kind is acceptable for <paramref name="wanted"/>, else why not (libpq's wording).</summary>
    public static string? Mismatch(this HostKind kind, TargetSessionAttrs wanted) => (wanted, kind) switch
    {
        (TargetSessionAttrs.Any or TargetSessionAttrs.PreferStandby, _) => null,
        (TargetSessionAttrs.ReadWrite, HostKind.PrimaryReadOnly or HostKind.Standby) => "session is read-only",
        (TargetSessionAttrs.ReadOnly, HostKind.Primary) => "session is not read-only",
        (TargetSessionAttrs.Primary, HostKind.Standby) => "server is in hot standby mode",
        (TargetSessionAttrs.Standby, HostKind.Primary or HostKind.PrimaryReadOnly) => "server is not in hot standby mode",
        _ => null,
    };
}
