using Sharpgres.Sql;

namespace Sharpgres;

/// <summary>
/// COPY to or from the client belongs to cur.Copy(); every other way of running a statement refuses it before sending
/// it, with psycopg's ProgrammingError ("COPY cannot be used with this method; use copy() instead").
/// </summary>
internal static class CopyRefusal
{
    public static void ThrowIfCopy(string sql, string method)
    {
        if (SqlText.IsCopyWithClient(sql)) throw For(method);
    }

    /// <summary>The error for a COPY the server started anyway (several statements in one simple query).</summary>
    public static ProgrammingError For(string method) =>
        new($"COPY FROM STDIN / TO STDOUT cannot be used with {method}: use cur.Copy(\"COPY ...\") instead");
}
