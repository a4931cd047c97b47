namespace Sharpgres.Protocol.Frontend;

/// <summary>PasswordMessage, SASLInitialResponse and SASLResponse: all use the 'p' type byte.</summary>
internal static class AuthenticationMessages
{
    public static void WritePassword(this WriteBuffer w, ReadOnlySpan<byte> passwordWithoutNul)
    {
        w.StartMessage((byte)'p');
        w.WriteBytes(passwordWithoutNul);
        w.WriteByte(0);
        w.EndMessage();
    }

    public static void WriteSaslInitialResponse(this WriteBuffer w, string mechanism, ReadOnlySpan<byte> data)
    {
        w.StartMessage((byte)'p');
        w.WriteCString(mechanism);
        w.WriteInt32(data.Length);
        w.WriteBytes(data);
        w.EndMessage();
    }

    public static void WriteSaslResponse(this WriteBuffer w, ReadOnlySpan<byte> data)
    {
        w.StartMessage((byte)'p');
        w.WriteBytes(data);
        w.EndMessage();
    }
}
