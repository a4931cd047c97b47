using System.Buffers.Binary;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// timestamptz ↔ DateTimeOffset in the session's TimeZone (ReadContext.TimeZone follows SET TIME ZONE), or
/// DateTime with Kind Utc. Binary is int64 microseconds since 2000-01-01 00:00 UTC. DateTimeOffset parameters are
/// sent as their UTC instant. ±infinity ↔ MaxValue / MinValue (offset 0). Offsets with seconds (LMT, e.g.
/// +00:49:56) are truncated to whole minutes, keeping the instant, in binary (from the zone's TZif data) as in text.
/// </summary>
internal sealed class TimestampTzCodec : PgCodec<DateTimeOffset>, IPgReader<DateTime>
{
    public static readonly TimestampTzCodec Instance = new();

    public override uint Oid => Oids.TimestampTz;
    public override string PgTypeName => "timestamptz";

    public override DateTimeOffset Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var utcTicks = ReadUtcTicks(data, format, out var textOffset);
        if (utcTicks == DateTime.MaxValue.Ticks) return DateTimeOffset.MaxValue;
        if (utcTicks == DateTime.MinValue.Ticks) return DateTimeOffset.MinValue;
        // Text already carries the session's offset; binary is UTC and gets the session zone's offset for that instant.
        // Both are truncated to minutes the same way: ZoneSeconds has the seconds TimeZoneInfo rounds away (LMT).
        var offset = textOffset ?? ZoneSeconds.OffsetAt(context.TimeZone, utcTicks);
        return DateTimeText.AtOffset(utcTicks, offset);
    }

    DateTime IPgReader<DateTime>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        new(ReadUtcTicks(data, format, out _), DateTimeKind.Utc);

    /// <summary>The instant as UTC ticks; DateTime.MaxValue / MinValue ticks for ±infinity.</summary>
    private static long ReadUtcTicks(ReadOnlySpan<byte> data, PgFormat format, out TimeSpan? textOffset)
    {
        textOffset = null;
        if (format == PgFormat.Text)
        {
            var p = DateTimeText.Parse(data, "timestamptz", date: true, time: true, offset: true);
            if (p.Infinity != 0) return p.Infinity > 0 ? DateTime.MaxValue.Ticks : DateTime.MinValue.Ticks;
            if (!p.InDotNetRange) throw DateTimeText.OutOfRange("timestamptz", data, "DateTime");
            var local = new DateOnly(p.Year, p.Month, p.Day).DayNumber * TimeSpan.TicksPerDay + p.TimeMicros * 10;
            textOffset = TimeSpan.FromSeconds(p.OffsetSeconds);
            var utc = local - textOffset.Value.Ticks;
            if (utc < 0 || utc > DateTime.MaxValue.Ticks) throw DateTimeText.OutOfRange("timestamptz", data, "DateTime");
            return utc;
        }
        if (data.Length != 8) throw new DataError($"invalid binary timestamptz of {data.Length} bytes");
        var micros = BinaryPrimitives.ReadInt64BigEndian(data);
        if (micros == long.MaxValue) return DateTime.MaxValue.Ticks;
        if (micros == long.MinValue) return DateTime.MinValue.Ticks;
        return DateTimeText.TicksFromMicros(micros, "timestamptz");
    }

    internal override void Write(WriteBuffer buffer, DateTimeOffset value, PgFormat format, in ReadContext context)
    {
        // MaxValue / MinValue are infinity whatever their offset; other values go as their UTC instant.
        var utc = value == DateTimeOffset.MaxValue ? DateTime.MaxValue
            : value == DateTimeOffset.MinValue ? DateTime.MinValue
            : value.UtcDateTime;
        if (format == PgFormat.Binary) buffer.WriteInt64(TimestampCodec.ToMicros(utc.Ticks));
        else DateTimeText.WriteDateTime(buffer, utc, utcSuffix: true);
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        if (value is DateTime dt) TimestampCodec.Instance.Write(buffer, dt, format, context);
        else base.WriteObject(buffer, value, format, context);
    }
}
