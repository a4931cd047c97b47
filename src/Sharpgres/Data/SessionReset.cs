namespace Sharpgres.Data;

/// <summary>
/// What a pooled session forgets between two ADO.NET checkouts, as Npgsql does unless <c>No Reset On Close=true</c>:
/// the session user, every SET (back to the connection string's and server's defaults), open cursors, LISTENs,
/// advisory locks, sequence state and temporary tables. Prepared statements are kept (Npgsql's reset when it has
/// prepared statements; DISCARD ALL would drop them under Sharpgres's statement cache). The pool has already rolled
/// back any transaction left open.
/// </summary>
/// <remarks>
/// Sent lazily: returning the connection only marks the session (<see cref="Connection.AdoResetPending"/>); the next
/// checkout's first ADO.NET command writes this simple query ahead of its own messages, in the same flush, so the
/// reset costs no round trip of its own. Paths that run SQL outside <see cref="CommandRun"/> (the Connection behind
/// <see cref="SharpgresConnection.AsSharpgres"/>, savepoints, COMMIT without a command, catalog lookups) send it first
/// as its own round trip.
/// </remarks>
internal static class SessionReset
{
    public const string Sql =
        "SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP";

    /// <summary>Sends a pending reset now (its own round trip), before SQL that doesn't go through a CommandRun.</summary>
    public static async ValueTask FlushAsync(Connection connection, bool async)
    {
        if (!connection.AdoResetPending) return;
        connection.AdoResetPending = false;
        await connection.RunCommandAsync(Sql, async, default).ConfigureAwait(false);
    }

    public static void Flush(Connection connection) => FlushAsync(connection, false).GetAwaiter().GetResult();
}
