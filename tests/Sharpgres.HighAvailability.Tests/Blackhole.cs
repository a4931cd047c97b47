using System.Net;
using System.Net.Sockets;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>
/// What a dead machine looks like to a client: the TCP connection is accepted (here, by a listener) and then nothing
/// ever answers, so only connect_timeout ends the attempt. Counts the connections made to it.
/// </summary>
internal sealed class Blackhole : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private int count;

    public Blackhole()
    {
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>How many connections reached this host.</summary>
    public int Connections => Volatile.Read(ref count);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync().ConfigureAwait(false);
                lock (accepted) accepted.Add(socket);
                Interlocked.Increment(ref count);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { /* stopped */ }
    }

    public void Dispose()
    {
        listener.Stop();
        lock (accepted) foreach (var s in accepted) s.Dispose();
    }
}
