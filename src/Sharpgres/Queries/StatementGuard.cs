namespace Sharpgres.Queries;

/// <summary>
/// Checks a statement's text before anything is sent. A NUL can't travel in the protocol's C strings (the server would
/// answer ProtocolViolation): DataError, as for a NUL in a text parameter. COPY to or from the client belongs to
/// cur.Copy(): every other way of running a statement refuses it, with psycopg's ProgrammingError ("COPY cannot be used
/// with this method; use copy() instead").
/// </summary>
internal static class StatementGuard
{
    public static void Check(string sql, string method)
    {
        if (sql.Contains('\0')) throw new DataError("PostgreSQL statements cannot contain NUL (0x00) characters");
        if (SqlText.IsCopyWithClient(sql)) throw CopyRefused(method);
    }

    /// <summary>The error for a COPY the server started anyway (several statements in one simple query).</summary>
    public static ProgrammingError CopyRefused(string method) =>
        new($"COPY FROM STDIN / TO STDOUT cannot be used with {method}: use cur.Copy(\"COPY ...\") instead");
}
