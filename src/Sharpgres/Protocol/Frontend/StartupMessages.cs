namespace Sharpgres.Protocol.Frontend;

/// <summary>
/// The untyped messages of the startup phase: StartupMessage, SSLRequest and CancelRequest.
/// https://www.postgresql.org/docs/current/protocol-message-formats.html
/// </summary>
internal static class StartupMessages
{
    internal const int ProtocolVersion3 = 3 << 16;
    private const int SslRequestCode = 80877103;
    private const int CancelRequestCode = 80877102;

    public static void WriteStartup(this WriteBuffer w, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        w.StartUntypedMessage();
        w.WriteInt32(ProtocolVersion3);
        foreach (var (key, value) in parameters)
        {
            w.WriteCString(key);
            w.WriteCString(value);
        }
        w.WriteByte(0);
        w.EndMessage();
    }

    public static void WriteSslRequest(this WriteBuffer w)
    {
        w.StartUntypedMessage();
        w.WriteInt32(SslRequestCode);
        w.EndMessage();
    }

    public static void WriteCancelRequest(this WriteBuffer w, int processId, int secretKey)
    {
        w.StartUntypedMessage();
        w.WriteInt32(CancelRequestCode);
        w.WriteInt32(processId);
        w.WriteInt32(secretKey);
        w.EndMessage();
    }
}
