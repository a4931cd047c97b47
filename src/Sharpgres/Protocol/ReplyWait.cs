using System.Diagnostics;
using System.Net.Sockets;

namespace Sharpgres.Protocol;

/// <summary>
/// How a plain (non-TLS) socket read waits for the server's answer to a request: a short spin on the socket's
/// readable byte count before blocking. On a virtual machine the sleep and wake-up of a blocked read cost as much as
/// a fast query itself (libpq's pgbench spends ≈ 25 µs of system time per <c>SELECT 1</c> here), so when the server
/// usually answers within a few tens of microseconds, watching for the answer is cheaper than sleeping through it.
/// <para>
/// The spin lasts at most twice the round trip this connection's spins have seen, and never more than
/// <see cref="MaxSpin"/>. It stops after <see cref="MissesBeforeStop"/> spins in a row missed the answer (long
/// queries, a slow or loaded server), so a slow server costs no CPU; then one request in <see cref="ProbeEvery"/>
/// still tries the full bound, each probe that misses doubling that interval (up to <see cref="ProbeEveryAtMost"/>),
/// and a hit starts spinning again. Round trips are sampled only from requests that spun: the others include the
/// blocked thread's wake-up, and let one hiccup of the server stop the spin for many requests (it did, when a moving
/// average of every request decided: a single slow answer cost the next 64 requests the slow path).
/// </para>
/// <para>
/// At most half the cores (at least one) spin at once, process-wide, and nobody for a moment after one was refused
/// (<see cref="SpinGate"/>): many connections on a few cores each wait their turn anyway, and spinners would take the
/// cores from the server and from each other. An async read also doesn't spin while the thread pool has more work
/// queued than it has cores (it is backed up: the spin would delay that work).
/// </para>
/// </summary>
internal sealed class ReplyWait
{
    /// <summary>
    /// The longest spin, in Stopwatch ticks (100 µs). When this VM is in one of its slow-wake-up spells (pgbench at
    /// 3.7–6.7k q/s) an answer that a spinning client sees in 40–70 µs costs a blocked one 130+ µs: a 50 µs bound
    /// missed, stopped spinning and fell to the blocked rate (0.43× Npgsql); 100 µs held 1.40–1.65× at half Npgsql's CPU.
    /// 200 µs did as well for sync reads but not for async ones (0.33–0.72×, 127–254 µs CPU per query, reason not
    /// found). bench/notes.md has the figures.
    /// </summary>
    private static readonly long MaxSpin = Stopwatch.Frequency * 100 / 1_000_000;
    /// <summary>A round trip longer than this counts as this much, so one long answer doesn't shape the bound for long.</summary>
    private static readonly long SampleCap = MaxSpin * 4;
    private const int MissesBeforeStop = 4;
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
    private readonly SpinGate _gate;
    private long _sentAt;         // Stopwatch timestamp of the last send whose answer hasn't started arriving; 0: none
    private long _typical = MaxSpin / 2;   // moving average of the time from a send to its first answer bytes, over spun requests
    private bool _spun;           // the current request's wait spun: its round trip is a sample
    private int _misses;          // spins in a row that missed the answer
    private int _sinceProbe;
    private int _probeEvery = ProbeEvery;

    /// <summary>
    /// Spins done and spins that saw the answer arrive; waits that didn't spin (stopped, a probe not due, too many
    /// spinners); reads whose answer was there before any spin (the thread was preempted by the server's reply). For
    /// the benchmarks' notes and the tests.
    /// </summary>
    internal long Spins { get; private set; }
    internal long SpinHits { get; private set; }
    internal long Skipped { get; private set; }
    internal long Immediate { get; private set; }

    /// <param name="gate">Who may spin at once: the process's gate, or the tests' own.</param>
    public ReplyWait(SpinGate? gate = null) => _gate = gate ?? SpinGate.Process;

    /// <summary>A request has just been sent: the next read is the first of its answer.</summary>
    public void Sent()
    {
        _sentAt = Stopwatch.GetTimestamp();
        _spun = false;
    }

    /// <summary>
    /// Called before a read that would block: spins until bytes are readable or the bound passes. True when bytes
    /// arrived (the read then completes without blocking, and an async read completes inline).
    /// </summary>
    public bool SpinUntilReadable(Socket socket, bool async)
    {
        var sentAt = _sentAt;
        if (!_enabled || sentAt == 0) return false;   // mid-result, or nothing asked: the server isn't about to answer
        // Whether to spin is decided before the socket is asked anything: its readable count is an ioctl, and with
        // many connections on few cores (the gate shut) that was one more system call per request for nothing —
        // the read finds bytes already there without it.
        long budget;
        var probing = false;
        if (_misses < MissesBeforeStop) budget = Math.Min(_typical * 2, MaxSpin);
        else if (++_sinceProbe >= _probeEvery) { _sinceProbe = 0; budget = MaxSpin; probing = true; }
        else { Skipped++; return false; }
        // The crowded window first: the thread pool's pending count walks every worker's queue (1 % of the samples of
        // 32 connections on two cores, where the gate refuses nearly every spin anyway).
        if (_gate.IsCrowded || async && ThreadPool.PendingWorkItemCount > Environment.ProcessorCount) { Skipped++; return false; }
        if (!_gate.TryEnter())
        {
            Skipped++;
            return false;
        }
        try
        {
            if (socket.Available > 0)
            {
                // There before any spin (the server's reply preempted us): no round-trip sample, but a probe's answer.
                Immediate++;
                if (probing) _probeEvery = ProbeEvery;
                return Hit(sentAt, probing: false);
            }
            Spins++;
            _spun = true;
            var deadline = sentAt + budget;
            while (true)
            {
                Thread.SpinWait(8);
                if (socket.Available > 0) return Hit(sentAt, probing);
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    _misses++;
                    // A slow server, or many connections sharing a few cores (each answer waits its turn): a probe that
                    // keeps missing burns up to 100 µs of a core the server needs, so the probes thin out while they miss.
                    if (probing) _probeEvery = Math.Min(_probeEvery * 2, ProbeEveryAtMost);
                    return false;
                }
            }
        }
        finally
        {
            _gate.Leave();
        }
    }

    private bool Hit(long sentAt, bool probing)
    {
        if (_spun) SpinHits++;
        _misses = 0;
        // The server answers within a spin again: start the bound from what this probe saw.
        if (probing) { _probeEvery = ProbeEvery; _typical = Stopwatch.GetTimestamp() - sentAt; }
        return true;
    }

    /// <summary>Bytes were received: the first ones after a send give a round-trip sample, when that wait spun.</summary>
    public void Received()
    {
        var sentAt = _sentAt;
        if (sentAt == 0) return;
        _sentAt = 0;
        if (!_spun) return;
        var sample = Math.Min(Stopwatch.GetTimestamp() - sentAt, SampleCap);
        _typical += (sample - _typical) / 8;
    }
}
