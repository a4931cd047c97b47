using Microsoft.Extensions.Logging;

namespace Sharpgres.Notifications;

/// <summary>
/// The notifications a session received that no one has taken yet: those read while the connection ran other
/// statements (or sat idle in a pool) wait here for the next <see cref="Connection.Notifies"/> loop, so none is lost
/// between two loops (psycopg #756, #962). Bounded: past <see cref="Limit"/> the oldest are dropped, with one warning
/// per overflow, so a connection that LISTENs and never looks can't grow without end.
/// </summary>
internal sealed class NotifyBacklog
{
    internal const int DefaultLimit = 10_000;
    private readonly Queue<Notify> _queue = new();
    private bool _overflowing;
    private long _dropped;

    /// <summary>How many notifications are kept at most (internal: tests lower it to see the overflow).</summary>
    public int Limit { get; set; } = DefaultLimit;

    public int Count { get { lock (_queue) return _queue.Count; } }

    public void Add(Notify notify, ILogger logger)
    {
        lock (_queue)
        {
            if (_queue.Count >= Limit)
            {
                _queue.Dequeue();
                _dropped++;
                if (!_overflowing)
                {
                    _overflowing = true;
                    Log.NotifyBacklogOverflow(logger, Limit, notify.Channel);
                }
            }
            _queue.Enqueue(notify);
        }
    }

    public bool TryTake(out Notify notify)
    {
        lock (_queue)
        {
            if (!_queue.TryDequeue(out notify!)) return false;
            // Drained below the limit: a later overflow is a new one and is worth a new warning.
            if (_queue.Count == 0) _overflowing = false;
            return true;
        }
    }

    /// <summary>Notifications dropped by overflows so far.</summary>
    public long Dropped { get { lock (_queue) return _dropped; } }
}
