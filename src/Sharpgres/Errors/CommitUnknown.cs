namespace Sharpgres.Errors;

/// <summary>
/// The outcome of a COMMIT is unknown: the COMMIT reached the server, then the connection was lost (or the server
/// ended the session with a FATAL error) before it answered. The transaction may have committed or not; the server
/// may even have committed locally without the synchronous standby confirming (PostgreSQL's "canceling the wait for
/// synchronous replication" warning). Sharpgres never reports such a commit as done, nor as rolled back: check the
/// data (e.g. look for the row by its key) before retrying. libpq and psycopg raise a plain
/// <see cref="OperationalError"/> here; this subclass lets callers tell "did not commit" from "may have committed".
/// </summary>
public class CommitUnknown : OperationalError
{
    /// <summary>Creates the error; <paramref name="diagnostics"/> is the server's FATAL report when one arrived.</summary>
    public CommitUnknown(string message, Diagnostics? diagnostics = null, Exception? inner = null)
        : base(message, diagnostics, inner) { }

    /// <summary>
    /// The error for a COMMIT sent on a session that then broke: <paramref name="serverReport"/> is the FATAL error the
    /// server sent first (e.g. 57P01 on a fast shutdown), if any; <paramref name="lost"/> is the connection failure.
    /// </summary>
    internal static CommitUnknown AfterLostConnection(Error? serverReport, Error lost)
    {
        var cause = serverReport?.Message ?? lost.Message;
        return new CommitUnknown(
            "the connection was lost after COMMIT was sent: the transaction may or may not have committed\n" + cause,
            serverReport?.Diagnostics ?? lost.Diagnostics, (Exception?)serverReport ?? lost);
    }
}
