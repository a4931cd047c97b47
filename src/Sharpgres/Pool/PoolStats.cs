using System.Diagnostics;

namespace Sharpgres.Pool;

/// <summary>
/// psycopg_pool's counters (get_stats / pop_stats), kept with Interlocked so the hot path takes no extra lock.
/// Times are summed in Stopwatch ticks and reported in whole milliseconds.
/// </summary>
internal sealed class PoolStats
{
    public const string PoolMin = "pool_min", PoolMax = "pool_max", PoolSize = "pool_size", PoolAvailable = "pool_available",
        RequestsWaiting = "requests_waiting", UsageMs = "usage_ms", RequestsNum = "requests_num",
        RequestsQueued = "requests_queued", RequestsWaitMs = "requests_wait_ms", RequestsErrors = "requests_errors",
        ReturnsBad = "returns_bad", ConnectionsNum = "connections_num", ConnectionsMs = "connections_ms",
        ConnectionsErrors = "connections_errors", ConnectionsLost = "connections_lost";

    private long _usageTicks, _requestsNum, _requestsQueued, _requestsWaitTicks, _requestsErrors, _returnsBad,
        _connectionsNum, _connectionsTicks, _connectionsErrors, _connectionsLost;

    public void AddUsage(long ticks) => Interlocked.Add(ref _usageTicks, ticks);
    public void Request() => Interlocked.Increment(ref _requestsNum);
    public void Queued() => Interlocked.Increment(ref _requestsQueued);
    public void AddWait(long ticks) => Interlocked.Add(ref _requestsWaitTicks, ticks);
    public void RequestError() => Interlocked.Increment(ref _requestsErrors);
    public void ReturnBad() => Interlocked.Increment(ref _returnsBad);
    public void ConnectionAttempt() => Interlocked.Increment(ref _connectionsNum);
    public void AddConnectTime(long ticks) => Interlocked.Add(ref _connectionsTicks, ticks);
    public void ConnectionError() => Interlocked.Increment(ref _connectionsErrors);
    public void ConnectionLost() => Interlocked.Increment(ref _connectionsLost);

    /// <summary>The counters (reset to zero when <paramref name="reset"/>), added to <paramref name="into"/>. Unlike psycopg's Counter every key is present, zero or not.</summary>
    public void Report(Dictionary<string, long> into, bool reset)
    {
        void Put(string key, ref long field, bool ticks)
        {
            var value = reset ? Interlocked.Exchange(ref field, 0) : Volatile.Read(ref field);
            if (ticks) value = value * 1000 / Stopwatch.Frequency;
            into[key] = value;
        }
        Put(UsageMs, ref _usageTicks, true);
        Put(RequestsNum, ref _requestsNum, false);
        Put(RequestsQueued, ref _requestsQueued, false);
        Put(RequestsWaitMs, ref _requestsWaitTicks, true);
        Put(RequestsErrors, ref _requestsErrors, false);
        Put(ReturnsBad, ref _returnsBad, false);
        Put(ConnectionsNum, ref _connectionsNum, false);
        Put(ConnectionsMs, ref _connectionsTicks, true);
        Put(ConnectionsErrors, ref _connectionsErrors, false);
        Put(ConnectionsLost, ref _connectionsLost, false);
    }
}
