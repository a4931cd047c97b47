using System.Buffers.Binary;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// timetz ↔ DateTimeOffset whose date part is meaningless: reads give 0001-01-02 (a day in, so any offset up to
/// ±16h keeps the value in DateTimeOffset's range) and writes ignore the date. Binary is int64 microseconds of the
/// local time, then int32 zone offset in seconds WEST of UTC (the opposite sign of the text's +HH). 24:00:00 reads
/// as 23:59:59.9999999 (as for time). Offsets with seconds (+05:30:15) are truncated to minutes, keeping the instant;
/// offsets beyond DateTimeOffset's ±14:00 (PostgreSQL allows ±15:59:59) read as the same instant at UTC.
/// DateTimeOffset parameters go as timestamptz: this codec is the timetz reader (and writer when asked directly).
/// </summary>
internal sealed class TimeTzCodec : PgCodec<DateTimeOffset>
{
    public static readonly TimeTzCodec Instance = new();
    private static readonly long DateTicks = new DateTime(1, 1, 2).Ticks;

    public override uint Oid => Oids.TimeTz;
    public override string PgTypeName => "timetz";

    public override DateTimeOffset Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        long micros;
        int offsetSeconds;
        if (format == PgFormat.Text)
        {
            var p = DateTimeText.Parse(data, "timetz", date: false, time: true, offset: true);
            (micros, offsetSeconds) = (p.TimeMicros, p.OffsetSeconds);
        }
        else
        {
            if (data.Length != 12) throw new DataError($"invalid binary timetz of {data.Length} bytes");
            micros = BinaryPrimitives.ReadInt64BigEndian(data);
            offsetSeconds = -BinaryPrimitives.ReadInt32BigEndian(data[8..]);
        }
        var localTicks = DateTicks + TimeCodec.ToTimeOnly(micros).Ticks;
        var offset = TimeSpan.FromSeconds(offsetSeconds);
        return DateTimeText.AtOffset(localTicks - offset.Ticks, offset);
    }

    internal override void Write(WriteBuffer buffer, DateTimeOffset value, PgFormat format, in ReadContext context)
    {
        var micros = TimeCodec.FromTicks(value.TimeOfDay.Ticks);
        var offsetSeconds = (int)(value.Offset.Ticks / TimeSpan.TicksPerSecond);
        if (format == PgFormat.Binary)
        {
            buffer.WriteInt64(micros);
            buffer.WriteInt32(-offsetSeconds);
            return;
        }
        TimeCodec.WriteText(buffer, micros);
        DateTimeText.WriteOffset(buffer, offsetSeconds);
    }
}
