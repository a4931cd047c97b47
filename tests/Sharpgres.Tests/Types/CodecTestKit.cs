using System.Text;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Tests.Types;

/// <summary>Encode/decode helpers for codec tests: no server, just a codec, a WriteBuffer and bytes.</summary>
internal static class Kit
{
    public static readonly PgFormat[] Formats = [PgFormat.Text, PgFormat.Binary];

    public static ReadContext Ctx => ReadContext.Default;

    public static ReadContext CtxIn(TimeZoneInfo zone) => new(TypeRegistry.Global, zone, null);

    public static byte[] Write<T>(PgCodec<T> codec, T value, PgFormat format, ReadContext? context = null) where T : notnull =>
        Capture(b => codec.Write(b, value, format, context ?? Ctx));

    public static byte[] WriteObject(PgCodec codec, object value, PgFormat format, ReadContext? context = null) =>
        Capture(b => codec.WriteObject(b, value, format, context ?? Ctx));

    /// <summary>What a parameter value becomes: the codec the registry picks writes it.</summary>
    public static byte[] WriteParameter(object value, PgFormat format) => WriteObject(TypeRegistry.Global.ForParameter(value), value, format);

    private static byte[] Capture(Action<WriteBuffer> write)
    {
        using var buffer = new WriteBuffer();
        var stream = new MemoryStream();
        buffer.Stream = stream;
        write(buffer);
        buffer.FlushAsync(false, default).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    public static T Read<T>(PgCodec codec, byte[] data, PgFormat format, ReadContext? context = null) =>
        ((IPgReader<T>)codec).Read(data, format, context ?? Ctx);

    public static T Read<T>(PgCodec codec, string text, ReadContext? context = null) => Read<T>(codec, Utf8(text), PgFormat.Text, context);

    public static T ReadHex<T>(PgCodec codec, string hex, ReadContext? context = null) => Read<T>(codec, Hex(hex), PgFormat.Binary, context);

    /// <summary>Writes then reads back in <paramref name="format"/>.</summary>
    public static T RoundTrip<T>(PgCodec<T> codec, T value, PgFormat format, ReadContext? context = null) where T : notnull =>
        codec.Read(Write(codec, value, format, context), format, context ?? Ctx);

    /// <summary>A column read the way rows do it (ColumnValue): OID lookup, typed dispatch, fallbacks.</summary>
    public static T ReadColumn<T>(uint oid, byte[] data, PgFormat format, ReadContext? context = null) =>
        ColumnValue.Read<T>(data, data.Length, Field(oid, format), context ?? Ctx);

    public static object? ReadColumnObject(uint oid, byte[] data, PgFormat format) =>
        ColumnValue.ReadObject(data, data.Length, Field(oid, format), Ctx);

    private static FieldDescription Field(uint oid, PgFormat format) => new("c", 0, 0, oid, -1, -1, (short)format);

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);
    public static string ToHex(byte[] bytes) => Convert.ToHexStringLower(bytes);
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    public static string Str(byte[] b) => Encoding.UTF8.GetString(b);

    /// <summary>A seed for random round trips, different per run and printed in failures.</summary>
    public static int NewSeed() => Environment.TickCount ^ Guid.NewGuid().GetHashCode();
}
