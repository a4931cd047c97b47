using System.Diagnostics;
using System.Net.Sockets;

namespace Sharpgres.Protocol;

/// <summary>
/// How a plain (non-TLS) socket read waits for the server's answer to a request: a short spin on the socket's
/// readable byte count before blocking. On a virtual machine the sleep and wake-up of a blocked read cost as much as
/// a fast query itself (libpq's pgbench spends ≈ 25 µs of system time per <c>SELECT 1</c> here), so when the server
/// usually answers within a few tens of microseconds, watching for the answer is cheaper than sleeping through it.
/// The spin is bounded by the round-trip times this connection has seen: it lasts at most twice the recent typical
/// round trip and never more than <see cref="MaxSpin"/>, and stops altogether when the typical round trip is longer
/// than that (long queries, a loaded machine), so a slow server costs no CPU. One spin in <see cref="ProbeEvery"/>
/// requests still tries the full bound, so a connection whose server became fast again starts spinning again; each
/// probe that misses doubles that interval (up to <see cref="ProbeEveryAtMost"/>), a hit brings it back.
/// </summary>
internal sealed class ReplyWait
{
    /// <summary>The longest spin, in Stopwatch ticks (50 µs).</summary>
    private static readonly long MaxSpin = Stopwatch.Frequency * 50 / 1_000_000;
    /// <summary>Round trips longer than this count as this much, so one long query doesn't stop spinning for long.</summary>
    private static readonly long SampleCap = MaxSpin * 4;
    private const int ProbeEvery = 64;
    /// <summary>A probe that misses doubles the wait for the next one, up to this many requests.</summary>
    private const int ProbeEveryAtMost = 4096;

    /// <summary>
    /// Off for connections opened while this is false (benchmarks compare both ways in one process); the
    /// <c>Sharpgres.DisableReadSpin</c> AppContext switch turns it off for the process.
    /// </summary>
    internal static bool EnabledByDefault { get; set; } =
        !(AppContext.TryGetSwitch("Sharpgres.DisableReadSpin", out var disabled) && disabled);

    private readonly bool _enabled = EnabledByDefault;
    private long _sentAt;         // Stopwatch timestamp of the last send whose answer hasn't started arriving; 0: none
    private long _typical = MaxSpin / 2;   // moving average of the time from a send to its first answer bytes
    private int _sinceProbe;
    private int _probeEvery = ProbeEvery;

    /// <summary>Spins done and spins that saw the answer arrive (for the benchmarks' notes).</summary>
    internal long Spins { get; private set; }
    internal long SpinHits { get; private set; }

    /// <summary>A request has just been sent: the next read is the first of its answer.</summary>
    public void Sent() => _sentAt = Stopwatch.GetTimestamp();

    /// <summary>
    /// Called before a read that would block: spins until bytes are readable or the bound passes. True when bytes
    /// arrived (the read then completes without blocking, and an async read completes inline). An async read doesn't
    /// spin while the thread pool has work waiting: many connections on a few cores (each answer then waits behind
    /// the others anyway), where the spin would take the core from that work and from the server.
    /// </summary>
    public bool SpinUntilReadable(Socket socket, bool async)
    {
        var sentAt = _sentAt;
        if (!_enabled || sentAt == 0) return false;   // mid-result, or nothing asked: the server isn't about to answer
        if (async && ThreadPool.PendingWorkItemCount > 0) return false;
        long budget;
        var probing = false;
        if (_typical <= MaxSpin) budget = Math.Min(_typical * 2, MaxSpin);
        else if (++_sinceProbe >= _probeEvery) { _sinceProbe = 0; budget = MaxSpin; probing = true; }
        else return false;
        Spins++;
        var deadline = sentAt + budget;
        while (true)
        {
            if (socket.Available > 0)
            {
                SpinHits++;
                if (probing)
                {
                    // The server answers within a spin again. The moving average can't show it by itself: every
                    // sample taken while not spinning includes the blocked thread's wake-up, so one fast sample in
                    // 64 never pulls it back under the bound. Start again from what this probe saw.
                    _probeEvery = ProbeEvery;
                    _typical = Stopwatch.GetTimestamp() - sentAt;
                }
                return true;
            }
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                // Many connections sharing a few cores (each answer waits its turn), or a slow server: a probe that
                // keeps missing burns up to 50 µs of a core the server needs, so the probes thin out while they miss.
                if (probing) _probeEvery = Math.Min(_probeEvery * 2, ProbeEveryAtMost);
                return false;
            }
            Thread.SpinWait(8);
        }
    }

    /// <summary>Bytes were received: the first ones after a send give a round-trip sample.</summary>
    public void Received()
    {
        var sentAt = _sentAt;
        if (sentAt == 0) return;
        _sentAt = 0;
        var sample = Math.Min(Stopwatch.GetTimestamp() - sentAt, SampleCap);
        _typical += (sample - _typical) / 8;
    }
}
