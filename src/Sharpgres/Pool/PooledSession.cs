using System.Diagnostics;
using Sharpgres.Protocol;

namespace Sharpgres.Pool;

/// <summary>
/// One server session a pool owns, with what the pool needs to know about it: when it was opened, when it expires
/// (max_lifetime cut by a random 0-5%), when it last came back, and the defaults every checkout starts from.
/// Each checkout wraps it in a fresh <see cref="Connection"/> object (see <see cref="Connection.Detach"/>).
/// </summary>
internal sealed class PooledSession(ConnectionPool pool, Session session, ConnectionDefaults defaults, long createdAt, long expiresAt)
{
    public ConnectionPool Pool { get; } = pool;
    public Session Session { get; } = session;
    public ConnectionDefaults Defaults { get; set; } = defaults;
    /// <summary>Stopwatch timestamps.</summary>
    public long CreatedAt { get; } = createdAt;
    public long ExpiresAt { get; } = expiresAt;
    public long LastReturnedAt { get; set; } = createdAt;
    public long CheckedOutAt { get; set; }

    public bool IsExpired(long now) => now >= ExpiresAt;

    public override string ToString() => $"pid {Session.ProcessId}";

    public static long Now => Stopwatch.GetTimestamp();
    public static long Ticks(TimeSpan span) => span == TimeSpan.MaxValue ? long.MaxValue / 2 : (long)(span.TotalSeconds * Stopwatch.Frequency);
}
