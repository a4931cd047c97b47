using System.Buffers.Binary;
using System.Globalization;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// time ↔ TimeOnly (also read as TimeSpan). Binary is int64 microseconds since midnight. PostgreSQL allows
/// 24:00:00, which TimeOnly can't hold: it reads as TimeOnly.MaxValue (23:59:59.9999999) — and TimeOnly.MaxValue
/// is written as 24:00:00, so the value round-trips; as TimeSpan it reads as exactly one day.
/// </summary>
internal sealed class TimeCodec : PgCodec<TimeOnly>, IPgReader<TimeSpan>
{
    public static readonly TimeCodec Instance = new();

    public override uint Oid => Oids.Time;
    public override string PgTypeName => "time";

    internal static long ReadMicros(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Text) return DateTimeText.Parse(data, "time", date: false, time: true, offset: false).TimeMicros;
        if (data.Length != 8) throw new DataError($"invalid binary time of {data.Length} bytes");
        var micros = BinaryPrimitives.ReadInt64BigEndian(data);
        return micros is >= 0 and <= DateTimeText.MicrosPerDay ? micros : throw new DataError($"invalid binary time: {micros} µs");
    }

    internal static TimeOnly ToTimeOnly(long micros) =>
        micros == DateTimeText.MicrosPerDay ? TimeOnly.MaxValue : new TimeOnly(micros * 10);

    /// <summary>Microseconds of a time of day; TimeOnly.MaxValue's ticks stand for 24:00:00.</summary>
    internal static long FromTicks(long ticks) => ticks == TimeOnly.MaxValue.Ticks ? DateTimeText.MicrosPerDay : ticks / 10;

    public override TimeOnly Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ToTimeOnly(ReadMicros(data, format));

    TimeSpan IPgReader<TimeSpan>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        TimeSpan.FromTicks(ReadMicros(data, format) * 10);

    internal override void Write(WriteBuffer buffer, TimeOnly value, PgFormat format, in ReadContext context)
    {
        var micros = FromTicks(value.Ticks);
        if (format == PgFormat.Binary) buffer.WriteInt64(micros);
        else WriteText(buffer, micros);
    }

    internal static void WriteText(WriteBuffer buffer, long micros)
    {
        if (micros == DateTimeText.MicrosPerDay) { buffer.WriteUtf8("24:00:00"); return; }
        var span = buffer.GetSpan(16);
        new TimeOnly(micros * 10).TryFormat(span, out var n, "HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture);
        buffer.Advance(n);
    }
}
