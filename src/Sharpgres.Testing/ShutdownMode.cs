namespace Sharpgres.Testing;

/// <summary>pg_ctl stop's shutdown modes (<c>-m smart|fast|immediate</c>).</summary>
public enum ShutdownMode
{
    /// <summary>Waits for every client to disconnect (SIGTERM to the postmaster).</summary>
    Smart,

    /// <summary>Rolls back open transactions, disconnects clients with FATAL 57P01, writes a shutdown checkpoint (SIGINT).</summary>
    Fast,

    /// <summary>Every process quits at once, no checkpoint: crash recovery at the next start (SIGQUIT).</summary>
    Immediate,
}
