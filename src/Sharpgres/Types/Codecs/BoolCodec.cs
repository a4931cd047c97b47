using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>bool: binary is one byte 0/1, text is 't'/'f' (boolin also takes true/yes/on/1 and their negations).</summary>
internal sealed class BoolCodec : PgCodec<bool>
{
    public static readonly BoolCodec Instance = new();

    public override uint Oid => Oids.Bool;
    public override string PgTypeName => "bool";

    public override bool Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary)
            return data.Length == 1 ? data[0] != 0 : throw new DataError($"invalid binary bool of {data.Length} bytes");
        var s = System.Text.Encoding.UTF8.GetString(data).Trim().ToLowerInvariant();
        return s switch
        {
            "t" or "true" or "y" or "yes" or "on" or "1" => true,
            "f" or "false" or "n" or "no" or "off" or "0" => false,
            _ => throw new DataError($"invalid bool value: '{s}'"),
        };
    }

    internal override void Write(WriteBuffer buffer, bool value, PgFormat format, in ReadContext context) =>
        buffer.WriteByte(format == PgFormat.Binary ? (byte)(value ? 1 : 0) : (byte)(value ? 't' : 'f'));
}
