namespace Sharpgres.Protocol.Frontend;

/// <summary>The frontend side of COPY FROM STDIN: CopyData, CopyDone, CopyFail.</summary>
internal static class CopyMessages
{
    public static void WriteCopyData(this WriteBuffer w, ReadOnlySpan<byte> data)
    {
        w.StartMessage((byte)'d');
        w.WriteBytes(data);
        w.EndMessage();
    }

    public static void WriteCopyDone(this WriteBuffer w) { w.StartMessage((byte)'c'); w.EndMessage(); }

    public static void WriteCopyFail(this WriteBuffer w, string message)
    {
        w.StartMessage((byte)'f');
        w.WriteCString(message);
        w.EndMessage();
    }
}
