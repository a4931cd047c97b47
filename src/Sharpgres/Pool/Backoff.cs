namespace Sharpgres.Pool;

/// <summary>
/// psycopg_pool's AttemptWithBackoff: the first retry after ~1 s (±10% jitter, so pools that lost the same server
/// don't reconnect in lockstep), each next one twice as late, the last one capped at the give-up time
/// (reconnect_timeout after the first failure).
/// </summary>
internal sealed class Backoff(TimeSpan timeout, TimeSpan initialDelay)
{
    private long _giveUpAt;

    public TimeSpan Delay { get; private set; }

    public void UpdateDelay(long now)
    {
        if (Delay == TimeSpan.Zero)
        {
            _giveUpAt = now + PooledSession.Ticks(timeout);
            Delay = initialDelay * (0.9 + 0.2 * Random.Shared.NextDouble());
        }
        else
        {
            Delay *= 2;
        }
        var left = TimeSpan.FromSeconds((double)(_giveUpAt - now) / System.Diagnostics.Stopwatch.Frequency);
        if (Delay > left) Delay = left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public bool TimeToGiveUp(long now) => _giveUpAt != 0 && now >= _giveUpAt;
}
