using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Protocol;

/// <summary>
/// Cancellation: a CancelRequest on a separate socket; the original session keeps reading until ReadyForQuery so it
/// stays usable. A server that doesn't end the statement within cancel_timeout (<see cref="ConnectionSettings.CancelTimeout"/>)
/// gets its connection closed and marked broken: a cancelled call may fail, but it never hangs.
/// </summary>
internal sealed partial class Session
{
    private Timer? _cancelDeadline;

    /// <summary>
    /// <c>conn.Cancel()</c>: a CancelRequest for whatever this session is running, from any thread, with the same
    /// deadline as a cancelled token (the running call ends with QueryCanceled, or OperationalError and a broken
    /// connection when the server stays silent past cancel_timeout).
    /// </summary>
    public async ValueTask CancelAsync(bool async)
    {
        if (IsClosed) return;
        if (IsBusy) ArmCancelDeadline();
        await SendCancelAsync(async).ConfigureAwait(false);
    }

    /// <summary>Sends a CancelRequest for whatever this session is running. Safe from any thread.</summary>
    public async ValueTask SendCancelAsync(bool async)
    {
        if (IsClosed) return;
        using var socket = await Transport.ConnectSocketAsync(Target, Settings.ConnectTimeout ?? TimeSpan.FromSeconds(10), async, CancellationToken.None).ConfigureAwait(false);
        using var stream = new SocketStream(socket);
        using var buffer = new WriteBuffer { Stream = stream };
        buffer.WriteCancelRequest(ProcessId, SecretKey);
        await buffer.FlushAsync(async, CancellationToken.None).ConfigureAwait(false);
        // The server closes the socket once it has read the request; waiting for that orders it before what follows.
        stream.TimeoutMs = 5000;
        var one = new byte[1];
        try
        {
            if (async) await stream.ReadAsync(one).ConfigureAwait(false); else _ = stream.Read(one, 0, 1);
        }
        catch (IOException) { /* closed or timed out: the request was sent either way */ }
    }

    /// <summary>
    /// Ties a CancellationToken to the running operation: when it fires, send a CancelRequest and arm the deadline.
    /// Dispose the returned registration when the operation's exchange is over.
    /// </summary>
    public CancellationTokenRegistration RegisterCancellation(CancellationToken ct)
    {
        if (!ct.CanBeCanceled) return default;
        return ct.Register(static state => ((Session)state!).CancelFromToken(), this);
    }

    internal void CancelFromToken()
    {
        _ = Task.Run(async () =>
        {
            try { await SendCancelAsync(async: true).ConfigureAwait(false); }
            catch (Exception e) { Log.CancelFailed(_logger, e); }
        });
        ArmCancelDeadline();
    }

    /// <summary>
    /// After cancel_timeout, if the same operation is still running, closes the socket: the blocked read fails and the
    /// caller gets an OperationalError naming the timeout, the connection marked broken.
    /// </summary>
    private void ArmCancelDeadline()
    {
        var operation = Volatile.Read(ref _operation);
        var timeout = Settings.CancelTimeout;
        var deadline = new Timer(state =>
        {
            if (IsBusy && Volatile.Read(ref _operation) == operation)
                Break(new OperationalError($"the server did not end the cancelled statement within cancel_timeout ({timeout.TotalSeconds:0.###} s); the connection was closed"));
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _cancelDeadline, deadline)?.Dispose();
        deadline.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Disarms the cancel deadline at the end of an operation.</summary>
    public void ClearCancelDeadline() => Interlocked.Exchange(ref _cancelDeadline, null)?.Dispose();

}
