using System.Net;
using System.Net.Sockets;
using Sharpgres.Protocol;

namespace Sharpgres.Tests;

/// <summary>
/// The read spin's policy (Protocol/ReplyWait), on a loopback socket pair whose far end answers when the test says:
/// a server that stops answering within the spin stops the spin after four misses, a probe still tries now and then,
/// and an answer seen again brings the spin back. (Timing itself is the benchmarks' business, not asserted here.)
/// </summary>
public sealed class ReplyWaitTests : IDisposable
{
    private readonly Socket _client;
    private readonly Socket _server;

    public ReplyWaitTests()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>One request: sent, the wait before its read, the answer (there before the read, or only after the wait), received.</summary>
    private bool Request(ReplyWait wait, bool answerFirst)
    {
        wait.Sent();
        if (answerFirst) AnswerAndWait();
        var seen = wait.SpinUntilReadable(_client, async: false);
        if (!answerFirst) AnswerAndWait();
        _client.Receive(new byte[16]);
        wait.Received();
        return seen;
    }

    /// <summary>A gate of the test's own, so other tests' connections spinning at the same time can't refuse these spins.</summary>
    private static SpinGate OwnGate() => new(maxSpinners: 1, crowdedFor: 0);

    [Fact]
    public void A_refused_spin_keeps_everyone_from_spinning_for_the_crowded_window()
    {
        var crowded = new SpinGate(maxSpinners: 1, crowdedFor: System.Diagnostics.Stopwatch.Frequency * 3600);
        var wait = new ReplyWait(crowded);
        Assert.True(crowded.TryEnter());        // another connection is spinning
        Request(wait, answerFirst: false);
        Assert.Equal((0, 1), (wait.Spins, wait.Skipped));
        crowded.Leave();                        // it stopped, but the refusal said connections outnumber the cores
        Request(wait, answerFirst: false);
        Assert.Equal((0, 2), (wait.Spins, wait.Skipped));
        Assert.False(crowded.TryEnter());
        // An answer already there: the socket isn't even asked (no ioctl while crowded), the read takes it at once.
        Assert.False(Request(wait, answerFirst: true));
        Assert.Equal((0, 0, 3), (wait.Spins, wait.Immediate, wait.Skipped));

        var brief = new SpinGate(maxSpinners: 1, crowdedFor: 0);
        var other = new ReplyWait(brief);
        Assert.True(brief.TryEnter());
        Request(other, answerFirst: false);
        brief.Leave();
        Request(other, answerFirst: false);      // the window is over: this one spins (and misses)
        Assert.Equal((1, 1), (other.Spins, other.Skipped));
    }

    private void AnswerAndWait()
    {
        _server.Send([1]);
        while (_client.Available == 0) Thread.Sleep(1);
    }

    [Fact]
    public void Four_misses_in_a_row_stop_the_spin_and_a_probe_still_tries_every_64_requests()
    {
        var wait = new ReplyWait(OwnGate());
        for (var i = 0; i < 4; i++) Assert.False(Request(wait, answerFirst: false));
        Assert.Equal(4, wait.Spins);
        Assert.Equal(0, wait.SpinHits);
        for (var i = 0; i < 64; i++) Request(wait, answerFirst: false);
        Assert.Equal(5, wait.Spins);      // 63 skipped, then the probe on the 64th request after the stop
        Assert.Equal(63, wait.Skipped);
        for (var i = 0; i < 127; i++) Request(wait, answerFirst: false);
        Assert.Equal(5, wait.Spins);      // that probe missed: the next one comes 128 requests later
        Request(wait, answerFirst: false);
        Assert.Equal(6, wait.Spins);
    }

    [Fact]
    public void An_answer_seen_again_brings_the_spin_back_and_one_slow_answer_does_not_stop_it()
    {
        var wait = new ReplyWait(OwnGate());
        for (var i = 0; i < 4; i++) Request(wait, answerFirst: false);
        Assert.Equal(4, wait.Spins);      // stopped
        // Stopped, a connection asks the socket nothing (no ioctl per request) until its probe is due, even when the
        // answer happens to be there already.
        for (var i = 0; i < 63; i++) Assert.False(Request(wait, answerFirst: true));
        Assert.Equal((4, 0, 63), (wait.Spins, wait.Immediate, wait.Skipped));
        Assert.True(Request(wait, answerFirst: true));   // the probe: the answer is there, seen without a spin
        Assert.Equal(1, wait.Immediate);
        Request(wait, answerFirst: false);
        Assert.Equal(5, wait.Spins);      // spinning again
        Assert.True(Request(wait, answerFirst: true));
        Assert.Equal(2, wait.Immediate);
        Request(wait, answerFirst: false);   // one slow answer: a miss, not a stop
        Request(wait, answerFirst: false);
        Assert.Equal(7, wait.Spins);
    }
}
