using System.Diagnostics;

namespace Sharpgres.Protocol;

/// <summary>
/// Who may spin for an answer at a time (<see cref="ReplyWait"/>): at most half the cores, process-wide, and nobody for
/// a short while after a spin was refused. A refusal means more connections are waiting at once than there are cores
/// to spare: each answer then waits its turn behind the others' server work anyway, and a spinner only takes a core
/// from the backends and from the other clients. With 32 connections on two cores the spin cost 16.2 µs of client CPU
/// per query against 13.0 µs without it, and 10% of the rate (bench/notes.md). The window is time-based rather than
/// a count of requests in flight, so a connection that dies mid-request can't leave the spin off for good; once the
/// window passes, the next wait spins again, and the next refusal shuts it for another window.
/// </summary>
internal sealed class SpinGate
{
    /// <summary>The gate every connection's reads share.</summary>
    public static readonly SpinGate Process = new(Math.Max(1, Environment.ProcessorCount / 2), Stopwatch.Frequency / 100);

    private readonly int _maxSpinners;
    private readonly long _crowdedFor;
    private int _spinners;
    private long _crowdedUntil;

    /// <param name="maxSpinners">How many may spin at once.</param>
    /// <param name="crowdedFor">How long, in Stopwatch ticks, nobody spins after a refusal (10 ms for the process's gate).</param>
    public SpinGate(int maxSpinners, long crowdedFor)
    {
        _maxSpinners = maxSpinners;
        _crowdedFor = crowdedFor;
    }

    /// <summary>True when the caller may spin; it then calls <see cref="Leave"/> when its spin ends.</summary>
    public bool TryEnter()
    {
        if (IsCrowded) return false;
        if (Interlocked.Increment(ref _spinners) <= _maxSpinners) return true;
        Interlocked.Decrement(ref _spinners);
        Volatile.Write(ref _crowdedUntil, Stopwatch.GetTimestamp() + _crowdedFor);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _spinners);

    /// <summary>A spin was refused a moment ago: asking <see cref="TryEnter"/> now would be refused too.</summary>
    public bool IsCrowded => Stopwatch.GetTimestamp() < Volatile.Read(ref _crowdedUntil);
}
