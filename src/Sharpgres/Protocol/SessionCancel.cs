using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Protocol;

/// <summary>
/// Cancellation: a CancelRequest on a separate socket; the original session keeps reading until ReadyForQuery so it
/// stays usable. A server that doesn't answer within <see cref="CancelGrace"/> gets its connection broken: a cancelled
/// call may fail, but it never hangs.
/// </summary>
internal sealed partial class Session
{
    internal static TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(5);
    private Timer? _cancelDeadline;

    /// <summary>Sends a CancelRequest for whatever this session is running. Safe from any thread.</summary>
    public async ValueTask SendCancelAsync(bool async)
    {
        if (IsClosed) return;
        using var socket = await Transport.ConnectSocketAsync(Target, Settings.ConnectTimeout ?? TimeSpan.FromSeconds(10), async, CancellationToken.None).ConfigureAwait(false);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var buffer = new WriteBuffer { Stream = stream };
        buffer.WriteCancelRequest(ProcessId, SecretKey);
        await buffer.FlushAsync(async, CancellationToken.None).ConfigureAwait(false);
        // The server closes the socket once it has read the request; waiting for that orders it before what follows.
        socket.ReceiveTimeout = 5000;
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
        _cancelDeadline?.Dispose();
        _cancelDeadline = new Timer(static state =>
        {
            var s = (Session)state!;
            if (s.IsBusy) s.Break(new OperationalError("the server did not answer a cancel request in time; the connection was closed"));
        }, this, CancelGrace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Disarms the cancel deadline at the end of an operation.</summary>
    public void ClearCancelDeadline()
    {
        _cancelDeadline?.Dispose();
        _cancelDeadline = null;
    }

}
