using System.Buffers.Binary;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// interval ↔ TimeSpan (default; a year counts 365 days, a month 30, as in psycopg) and <see cref="PgInterval"/> (lossless).
/// Binary is int64 microseconds, int32 days, int32 months. Text is IntervalStyle=postgres output
/// (<c>1 year 2 mons 3 days 04:05:06.789</c>, <c>-00:00:01</c>); TimeSpan parameters go as days + microseconds.
/// </summary>
internal sealed class IntervalCodec : PgCodec<TimeSpan>, IPgReader<PgInterval>
{
    public static readonly IntervalCodec Instance = new();

    public override uint Oid => Oids.Interval;
    public override string PgTypeName => "interval";

    public override TimeSpan Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadInterval(data, format).ToTimeSpan();
    PgInterval IPgReader<PgInterval>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadInterval(data, format);

    internal static PgInterval ReadInterval(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Text) return Parse(data);
        if (data.Length != 16) throw new DataError($"invalid binary interval of {data.Length} bytes");
        return new PgInterval(BinaryPrimitives.ReadInt32BigEndian(data[12..]), BinaryPrimitives.ReadInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadInt64BigEndian(data));
    }

    /// <summary>
    /// Parses IntervalStyle=postgres output: [+-]N year(s)/mon(s)/day(s) parts, then [+-]H:MM:SS[.ffffff]; integer
    /// hours/mins/secs/microseconds parts are accepted too.
    /// </summary>
    internal static PgInterval Parse(ReadOnlySpan<byte> s)
    {
        if (s.SequenceEqual("infinity"u8)) return PgInterval.Infinity;
        if (s.SequenceEqual("-infinity"u8)) return PgInterval.NegativeInfinity;
        Int128 months = 0, days = 0;
        Int128 micros = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == ' ') { i++; continue; }
            var sign = 1;
            if (s[i] is (byte)'+' or (byte)'-') sign = s[i++] == '-' ? -1 : 1;
            var start = i;
            Int128 number = 0;
            for (; i < s.Length && char.IsAsciiDigit((char)s[i]) && number < long.MaxValue; i++) number = number * 10 + (s[i] - '0');
            if (i == start) throw DateTimeText.Invalid("interval", s);
            if (i < s.Length && s[i] == ':')
            {
                i = start;
                micros += sign * ReadTime(s, ref i);
                continue;
            }
            if (!DateTimeText.Expect(s, ref i, ' ')) throw DateTimeText.Invalid("interval", s);
            var unitStart = i;
            while (i < s.Length && s[i] != ' ') i++;
            var unit = s[unitStart..i];
            if (unit.StartsWith("year"u8)) months += sign * number * 12;
            else if (unit.StartsWith("mon"u8)) months += sign * number;
            else if (unit.StartsWith("day"u8)) days += sign * number;
            else if (unit.StartsWith("hour"u8)) micros += sign * number * 3_600_000_000;
            else if (unit.StartsWith("min"u8)) micros += sign * number * 60_000_000;
            else if (unit.StartsWith("sec"u8)) micros += sign * number * 1_000_000;
            else if (unit.StartsWith("microsec"u8)) micros += sign * number;   // what we send for long.MinValue
            else throw DateTimeText.Invalid("interval", s);
        }
        if (months > int.MaxValue || months < int.MinValue || days > int.MaxValue || days < int.MinValue
            || micros > long.MaxValue || micros < long.MinValue)
            throw new DataError($"interval value out of range: '{Encoding.UTF8.GetString(s)}'");
        return new PgInterval((int)months, (int)days, (long)micros);
    }

    private static Int128 ReadTime(ReadOnlySpan<byte> s, ref int i)
    {
        if (!DateTimeText.ReadLong(s, ref i, out var h) || !DateTimeText.Expect(s, ref i, ':') || !DateTimeText.ReadInt(s, ref i, out var m))
            throw DateTimeText.Invalid("interval", s);
        var sec = 0;
        if (DateTimeText.Expect(s, ref i, ':') && !DateTimeText.ReadInt(s, ref i, out sec)) throw DateTimeText.Invalid("interval", s);
        return ((Int128)h * 3600 + m * 60 + sec) * 1_000_000 + DateTimeText.ReadFraction(s, ref i);
    }

    internal override void Write(WriteBuffer buffer, TimeSpan value, PgFormat format, in ReadContext context) =>
        WriteInterval(buffer, PgInterval.FromTimeSpan(value), format);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        if (value is PgInterval interval) WriteInterval(buffer, interval, format);
        else base.WriteObject(buffer, value, format, context);
    }

    internal static void WriteInterval(WriteBuffer buffer, PgInterval value, PgFormat format)
    {
        if (format == PgFormat.Binary)
        {
            buffer.WriteInt64(value.Microseconds);
            buffer.WriteInt32(value.Days);
            buffer.WriteInt32(value.Months);
        }
        else if (value.Microseconds == long.MinValue && !value.IsNegativeInfinity)
        {
            // The server prints this time part as -2562047788:00:54.775808 but can't read it back in that form.
            buffer.WriteUtf8($"{value.Months} mons {value.Days} days -9223372036854775808 microseconds");
        }
        else buffer.WriteUtf8(value.ToString());
    }
}
