using System.Buffers.Binary;
using System.Text;
using Sharpgres.Protocol;
using Sharpgres.Types.Containers;

namespace Sharpgres.Types.UserTypes;

/// <summary>
/// hstore (contrib extension, so its OID is per database: <c>conn.Types.RegisterHstore()</c>) ↔
/// Dictionary&lt;string, string?&gt;. Binary (hstore_send): pair count, then per pair the key's length and bytes and
/// the value's length (-1 for NULL) and bytes. Text: "k"=>"v", "n"=>NULL.
/// </summary>
internal sealed class HstoreCodec(uint oid, string name) : PgCodec<Dictionary<string, string?>>
{
    public override uint Oid => oid;
    public override string PgTypeName => name;

    public override Dictionary<string, string?> Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        format == PgFormat.Binary ? ReadBinary(data) : ReadText(data);

    private static Dictionary<string, string?> ReadBinary(ReadOnlySpan<byte> data)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(data);
        var result = new Dictionary<string, string?>(count);
        var position = 4;
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(data, ref position) ?? throw new DataError("hstore key is NULL");
            result[key] = ReadString(data, ref position);
        }
        return result;
    }

    private static string? ReadString(ReadOnlySpan<byte> data, ref int position)
    {
        if (position + 4 > data.Length) throw new DataError("binary hstore value truncated");
        var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
        position += 4;
        if (length < 0) return null;
        if (position + length > data.Length) throw new DataError("binary hstore value truncated");
        var s = Encoding.UTF8.GetString(data.Slice(position, length));
        position += length;
        return s;
    }

    /// <summary>hstore_in's syntax: pairs key=>value separated by commas, quoted or not; unquoted NULL is null.</summary>
    internal static Dictionary<string, string?> ReadText(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, string?>();
        var scanner = new TextScanner(data);
        try
        {
            while (true)
            {
                scanner.SkipSpaces();
                if (scanner.AtEnd) break;
                var (keyStart, keyLength, _) = scanner.ReadValue([(byte)'=', (byte)' '], trimSpaces: true, doubledQuotes: false);
                scanner.SkipSpaces();
                scanner.Expect((byte)'=', "hstore");
                scanner.Expect((byte)'>', "hstore");
                var (valueStart, valueLength, literal) = scanner.ReadValue([(byte)',', (byte)' '], trimSpaces: true, doubledQuotes: false);
                var key = Encoding.UTF8.GetString(scanner.Scratch, keyStart, keyLength);
                var value = scanner.Scratch.AsSpan(valueStart, valueLength);
                result[key] = !literal && TextSyntax.IsNullWord(value) ? null : Encoding.UTF8.GetString(value);
                scanner.SkipSpaces();
                if (scanner.AtEnd) break;
                scanner.Expect((byte)',', "hstore");
            }
            return result;
        }
        finally { scanner.ReturnScratch(); }
    }

    internal override void Write(WriteBuffer buffer, Dictionary<string, string?> value, PgFormat format, in ReadContext context) =>
        WritePairs(buffer, value, format);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        WritePairs(buffer, (IEnumerable<KeyValuePair<string, string?>>)value, format);

    internal static void WritePairs(WriteBuffer buffer, IEnumerable<KeyValuePair<string, string?>> pairs, PgFormat format)
    {
        if (format == PgFormat.Binary)
        {
            var countAt = buffer.ReserveLength();
            var count = 0;
            foreach (var (key, value) in pairs)
            {
                var at = buffer.ReserveLength();
                buffer.WriteUtf8(Checked(key));
                buffer.PatchLength(at);
                if (value is null) buffer.WriteInt32(-1);
                else
                {
                    at = buffer.ReserveLength();
                    buffer.WriteUtf8(Checked(value));
                    buffer.PatchLength(at);
                }
                count++;
            }
            buffer.PatchInt32(countAt, count);
            return;
        }
        var first = true;
        foreach (var (key, value) in pairs)
        {
            if (!first) buffer.WriteUtf8(", ");
            first = false;
            TextSyntax.WriteQuoted(buffer, Encoding.UTF8.GetBytes(Checked(key)));
            buffer.WriteUtf8("=>");
            if (value is null) buffer.WriteUtf8("NULL");
            else TextSyntax.WriteQuoted(buffer, Encoding.UTF8.GetBytes(Checked(value)));
        }
    }

    private static string Checked(string s) =>
        s.Contains('\0') ? throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes") : s;
}

/// <summary>
/// Dictionaries of strings as parameters: through the registered hstore codec when there is one (binary, typed),
/// else as an untyped hstore literal the server types from context (an hstore column, a ::hstore cast).
/// </summary>
internal sealed class HstoreParameterWriter(Type type, TypeRegistry registry) : PgCodec
{
    public static bool Handles(Type type) =>
        typeof(IEnumerable<KeyValuePair<string, string?>>).IsAssignableFrom(type);

    private HstoreCodec? Registered(TypeRegistry types) => types.ForType(typeof(Dictionary<string, string?>)) as HstoreCodec;

    public override uint Oid => Registered(registry)?.Oid ?? 0;
    public override string PgTypeName => "hstore";
    public override Type ClrType => type;
    public override uint ParameterOid(object value) => Oid;
    public override PgFormat ParameterFormat(object value) => Registered(registry) is null ? PgFormat.Text : PgFormat.Binary;
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => HstoreCodec.ReadText(data);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        HstoreCodec.WritePairs(buffer, (IEnumerable<KeyValuePair<string, string?>>)value, format);
}
