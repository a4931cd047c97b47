using Sharpgres.Types;

namespace Sharpgres.Pool;

/// <summary>
/// The connection-level settings every checkout starts from: the pool's <c>autocommit</c>, then whatever its
/// <c>configure</c> callback set (isolation level, read-only, prepare threshold, type adapters registered on
/// <c>conn.Types</c>). A user's changes during one checkout die with that checkout's <see cref="Connection"/> object,
/// so a connection handed out again is indistinguishable from a new one.
/// </summary>
internal sealed record ConnectionDefaults(
    bool Autocommit,
    IsolationLevel? IsolationLevel,
    bool? ReadOnly,
    bool? Deferrable,
    int? PrepareThreshold,
    int PreparedMax,
    bool RewriteBatchedInserts,
    TypeRegistry? Types)
{
    public static ConnectionDefaults For(bool autocommit) => new(autocommit, null, null, null, 5, 100, false, null);
}
