using System.Buffers.Binary;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// timestamp ↔ DateTime (Kind Unspecified), and the writer of every DateTime parameter: Kind Utc goes as
/// timestamptz, Unspecified and Local as timestamp with their wall-clock value, never converted (Npgsql 6+'s rule).
/// Binary is int64 microseconds since 2000-01-01 00:00; ±infinity ↔ DateTime.MaxValue / MinValue. Values outside
/// years 1-9999 AD raise DataError; sub-microsecond ticks are truncated when writing.
/// </summary>
internal sealed class TimestampCodec : PgCodec<DateTime>
{
    public static readonly TimestampCodec Instance = new();

    public override uint Oid => Oids.Timestamp;
    public override string PgTypeName => "timestamp";

    public override uint ParameterOid(object value) =>
        value is DateTime { Kind: DateTimeKind.Utc } ? Oids.TimestampTz : Oids.Timestamp;

    public override DateTime Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var p = DateTimeText.Parse(data, "timestamp", date: true, time: true, offset: false);
            if (p.Infinity != 0) return p.Infinity > 0 ? DateTime.MaxValue : DateTime.MinValue;
            if (!p.InDotNetRange) throw DateTimeText.OutOfRange("timestamp", data, "DateTime");
            return new DateTime(new DateOnly(p.Year, p.Month, p.Day), TimeOnly.MinValue).AddTicks(p.TimeMicros * 10);
        }
        if (data.Length != 8) throw new DataError($"invalid binary timestamp of {data.Length} bytes");
        var micros = BinaryPrimitives.ReadInt64BigEndian(data);
        if (micros == long.MaxValue) return DateTime.MaxValue;
        if (micros == long.MinValue) return DateTime.MinValue;
        return new DateTime(DateTimeText.TicksFromMicros(micros, "timestamp"), DateTimeKind.Unspecified);
    }

    internal override void Write(WriteBuffer buffer, DateTime value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary) buffer.WriteInt64(ToMicros(value.Ticks));
        else DateTimeText.WriteDateTime(buffer, value, utcSuffix: value.Kind == DateTimeKind.Utc);
    }

    /// <summary>Microseconds since 2000-01-01, with DateTime.MaxValue / MinValue as ±infinity.</summary>
    internal static long ToMicros(long ticks) =>
        ticks == DateTime.MaxValue.Ticks ? long.MaxValue : ticks == DateTime.MinValue.Ticks ? long.MinValue : DateTimeText.MicrosFromTicks(ticks);
}
