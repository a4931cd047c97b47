using System.Collections.Concurrent;

namespace Sharpgres.HighAvailability;

/// <summary>
/// The process-wide table of what each server was last found to be (Npgsql's "Host Recheck Seconds" cache): every
/// connection attempt and every pool of the process consults and updates it. A host found down, or of a kind the
/// attempt doesn't want, within the last <c>host_recheck_seconds</c> is tried only after every other candidate:
/// a dead primary costs one failed connect per recheck period instead of one per attempt, and nothing is ever
/// skipped for good (if no other host is left, it is tried anyway).
/// </summary>
internal static class HostStates
{
    private readonly record struct Entry(HostKind Kind, long LearntAtMs);

    private static readonly ConcurrentDictionary<(string Host, string? HostAddr, int Port), Entry> Table = new();

    private static (string, string?, int) Key(ConnectTarget target) => (target.Host, target.HostAddr, target.Port);

    /// <summary>Records what <paramref name="target"/> was just found to be (Unknown is ignored: it teaches nothing).</summary>
    public static void Record(ConnectTarget target, HostKind kind)
    {
        if (kind != HostKind.Unknown) Table[Key(target)] = new Entry(kind, Environment.TickCount64);
    }

    /// <summary>What <paramref name="target"/> was found to be within <paramref name="recheck"/>, else Unknown.</summary>
    public static HostKind Get(ConnectTarget target, TimeSpan recheck) =>
        recheck > TimeSpan.Zero && Table.TryGetValue(Key(target), out var entry)
        && Environment.TickCount64 - entry.LearntAtMs < (long)recheck.TotalMilliseconds
            ? entry.Kind
            : HostKind.Unknown;

    /// <summary>Forgets everything (tests, and applications that know the topology just changed).</summary>
    public static void Clear() => Table.Clear();

    /// <summary>
    /// The order to try <paramref name="targets"/> in for one pass wanting <paramref name="wanted"/>: hosts not known
    /// to be unsuitable first (in the given order), then those recently found down or of the wrong kind. With
    /// <paramref name="dropUnsuitable"/> (the standby pass of prefer-standby, which a second pass follows) the
    /// unsuitable ones are left out: the next pass tries them.
    /// </summary>
    public static List<ConnectTarget> Order(IReadOnlyList<ConnectTarget> targets, TargetSessionAttrs wanted, TimeSpan recheck, bool dropUnsuitable)
    {
        var first = new List<ConnectTarget>(targets.Count);
        List<ConnectTarget>? last = null;
        foreach (var target in targets)
        {
            var kind = Get(target, recheck);
            if (kind == HostKind.Down || (kind != HostKind.Unknown && kind.Mismatch(wanted) is not null))
            {
                if (!dropUnsuitable) (last ??= []).Add(target);
            }
            else first.Add(target);
        }
        if (last is not null) first.AddRange(last);
        return first;
    }
}
