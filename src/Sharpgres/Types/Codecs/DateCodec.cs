using System.Buffers.Binary;
using System.Globalization;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// date ↔ DateOnly (also read as DateTime at midnight, Kind Unspecified). Binary is int32 days since 2000-01-01.
/// infinity / -infinity ↔ DateOnly.MaxValue / MinValue (DateTime.MaxValue / MinValue); dates outside years
/// 1-9999 AD (BC dates, year 10000+) raise DataError.
/// </summary>
internal sealed class DateCodec : PgCodec<DateOnly>, IPgReader<DateTime>
{
    public static readonly DateCodec Instance = new();

    public override uint Oid => Oids.Date;
    public override string PgTypeName => "date";

    public override DateOnly Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var p = DateTimeText.Parse(data, "date", date: true, time: false, offset: false);
            if (p.Infinity != 0) return p.Infinity > 0 ? DateOnly.MaxValue : DateOnly.MinValue;
            if (!p.InDotNetRange) throw DateTimeText.OutOfRange("date", data, "DateOnly");
            return new DateOnly(p.Year, p.Month, p.Day);
        }
        if (data.Length != 4) throw new DataError($"invalid binary date of {data.Length} bytes");
        var days = BinaryPrimitives.ReadInt32BigEndian(data);
        if (days == int.MaxValue) return DateOnly.MaxValue;
        if (days == int.MinValue) return DateOnly.MinValue;
        var dayNumber = (long)DateTimeText.EpochDayNumber + days;
        if (dayNumber < 0 || dayNumber > DateOnly.MaxValue.DayNumber) throw DateTimeText.OutOfRange("date", days, -1, "DateOnly");
        return DateOnly.FromDayNumber((int)dayNumber);
    }

    DateTime IPgReader<DateTime>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        // Only infinity is DateTime.MaxValue: the finite 9999-12-31 (DateOnly.MaxValue too) is that day's midnight.
        var infinity = format == PgFormat.Binary
            ? data.Length == 4 && BinaryPrimitives.ReadInt32BigEndian(data) == int.MaxValue
            : data.SequenceEqual("infinity"u8);
        return infinity ? DateTime.MaxValue : Read(data, format, context).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
    }

    internal override void Write(WriteBuffer buffer, DateOnly value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary)
        {
            buffer.WriteInt32(value == DateOnly.MaxValue ? int.MaxValue : value == DateOnly.MinValue ? int.MinValue
                : value.DayNumber - DateTimeText.EpochDayNumber);
            return;
        }
        if (value == DateOnly.MaxValue) { buffer.WriteUtf8("infinity"); return; }
        if (value == DateOnly.MinValue) { buffer.WriteUtf8("-infinity"); return; }
        var span = buffer.GetSpan(10);
        value.TryFormat(span, out var n, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
        buffer.Advance(n);
    }
}
