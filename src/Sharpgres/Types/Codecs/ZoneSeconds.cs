using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// The periods where a time zone's UTC offset isn't a whole number of minutes: local mean time before standard
/// time (Europe/Rome was +00:49:56 until 1893). The server prints such offsets to the second in text results, while
/// .NET's TimeZoneInfo rounds them (+00:50), so a binary timestamptz would read a minute apart from the same value in
/// text. Binary reads look the seconds up here, in the zone's TZif file (RFC 8536; the server's tzdata on Debian and
/// most Linux), and then truncate them to minutes exactly as the text's offset is truncated.
/// </summary>
internal sealed class ZoneSeconds
{
    private static readonly ConcurrentDictionary<string, ZoneSeconds> Cache = new();
    private static ZoneSeconds? _last;   // a session reads many values in one zone: skip the dictionary

    private readonly TimeZoneInfo _zone;
    private readonly (long Start, long End, int Seconds)[] _periods;   // UTC ticks [Start, End), offset in seconds
    private readonly long _end;   // no such period at or after this instant
    // A zone whose offset never changes (UTC, Etc/GMT+5: no adjustment rules, no such periods): that offset, so a
    // value read in it costs no TimeZoneInfo lookup (≈ 5 % of a million-row timestamptz read in a profile).
    private readonly TimeSpan? _fixed;

    private ZoneSeconds(TimeZoneInfo zone, (long, long, int)[] periods)
    {
        _zone = zone;
        _periods = periods;
        _end = periods.Length == 0 ? long.MinValue : periods.Max(p => p.Item2);
        if (periods.Length == 0 && zone.GetAdjustmentRules().Length == 0) _fixed = zone.BaseUtcOffset;
    }

    /// <summary>The zone's offset at a UTC instant, to the second where the zone's data has seconds.</summary>
    public static TimeSpan OffsetAt(TimeZoneInfo zone, long utcTicks)
    {
        var known = _last;
        if (known is null || !ReferenceEquals(known._zone, zone))
            _last = known = Cache.GetOrAdd(zone.Id, static (_, z) => new ZoneSeconds(z, Load(z.Id)), zone);
        if (known._fixed is { } fixedOffset) return fixedOffset;
        var offset = zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc));
        if (utcTicks >= known._end) return offset;
        foreach (var (start, end, seconds) in known._periods)
            if (utcTicks >= start && utcTicks < end) return TimeSpan.FromSeconds(seconds);
        return offset;
    }

    private static (long, long, int)[] Load(string id)
    {
        try
        {
            if (id.Contains("..") || Path.IsPathRooted(id) || id.IndexOfAny(Path.GetInvalidPathChars()) >= 0) return [];
            var dir = Environment.GetEnvironmentVariable("TZDIR") is { Length: > 0 } tzdir ? tzdir : "/usr/share/zoneinfo";
            var path = Path.Combine(dir, id);
            return File.Exists(path) ? Parse(File.ReadAllBytes(path)) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>The sub-minute periods of a TZif file (the 64-bit block of version 2+ files, else version 1's).</summary>
    internal static (long, long, int)[] Parse(ReadOnlySpan<byte> tzif)
    {
        const int header = 44;
        if (tzif.Length < header || !tzif[..4].SequenceEqual("TZif"u8)) return [];
        var block = 0;
        var timeSize = 4;
        var counts = Counts(tzif, block);
        if (tzif[4] >= (byte)'2')
        {
            block = header + counts.Time * 5 + counts.Type * 6 + counts.Chars + counts.Leap * 8 + counts.IsStd + counts.IsUt;
            if (tzif.Length < block + header) return [];
            counts = Counts(tzif, block);
            timeSize = 8;
        }
        var times = block + header;
        var indices = times + counts.Time * timeSize;
        var types = indices + counts.Time;
        if (tzif.Length < types + counts.Type * 6 || counts.Type == 0) return [];
        var periods = new List<(long, long, int)>();
        // Before the first transition the zone is in time type 0 (RFC 8536 section 3.2).
        for (var i = -1; i < counts.Time; i++)
        {
            var type = i < 0 ? 0 : tzif[indices + i];
            if (type >= counts.Type) return [];
            var seconds = BinaryPrimitives.ReadInt32BigEndian(tzif[(types + type * 6)..]);
            if (seconds % 60 == 0) continue;
            var start = i < 0 ? long.MinValue : Time(tzif, times, i, timeSize);
            var end = i + 1 < counts.Time ? Time(tzif, times, i + 1, timeSize) : long.MaxValue;
            periods.Add((start, end, seconds));
        }
        return periods.ToArray();
    }

    private static (int IsUt, int IsStd, int Leap, int Time, int Type, int Chars) Counts(ReadOnlySpan<byte> tzif, int block)
    {
        var c = tzif[(block + 20)..];
        return (BinaryPrimitives.ReadInt32BigEndian(c), BinaryPrimitives.ReadInt32BigEndian(c[4..]), BinaryPrimitives.ReadInt32BigEndian(c[8..]),
            BinaryPrimitives.ReadInt32BigEndian(c[12..]), BinaryPrimitives.ReadInt32BigEndian(c[16..]), BinaryPrimitives.ReadInt32BigEndian(c[20..]));
    }

    /// <summary>Transition <paramref name="i"/> (Unix seconds) as DateTime ticks, clamped to DateTime's range.</summary>
    private static long Time(ReadOnlySpan<byte> tzif, int times, int i, int size)
    {
        var unix = size == 8 ? BinaryPrimitives.ReadInt64BigEndian(tzif[(times + i * 8)..]) : BinaryPrimitives.ReadInt32BigEndian(tzif[(times + i * 4)..]);
        var ticks = (Int128)unix * TimeSpan.TicksPerSecond + DateTime.UnixEpoch.Ticks;
        return (long)Int128.Clamp(ticks, 0, DateTime.MaxValue.Ticks);
    }
}
