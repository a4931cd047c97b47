using System.Text;

namespace Sharpgres.Protocol.Backend;

/// <summary>CommandComplete: the command tag, e.g. "INSERT 0 1", "SELECT 5", "UPDATE 2", "CREATE TABLE".</summary>
internal static class CommandComplete
{
    public static string ParseTag(ReadOnlySpan<byte> payload)
    {
        var end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }

    /// <summary>
    /// The row count a tag reports, -1 when it reports none — psycopg 3's rowcount comes from here
    /// (SELECT, INSERT, UPDATE, DELETE, MERGE, MOVE, FETCH, COPY carry a count; DDL and SET don't).
    /// </summary>
    public static long RowCountOf(string tag)
    {
        var space = tag.LastIndexOf(' ');
        if (space < 0) return -1;
        var verb = tag.AsSpan(0, tag.IndexOf(' '));
        if (!(verb is "SELECT" or "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "MOVE" or "FETCH" or "COPY")) return -1;
        return long.TryParse(tag.AsSpan(space + 1), out var n) ? n : -1;
    }
}
