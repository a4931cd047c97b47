namespace Sharpgres.Protocol;

/// <summary>
/// Whether a session can be reused, and what it would take: the one answer the pool's return rules, the ADO.NET
/// reader's "command already in progress" and failover's "discard connections to a dead node" all read
/// (<see cref="Session.State"/>); nothing keeps a second copy.
/// </summary>
internal enum SessionState
{
    /// <summary>ReadyForQuery said 'I' and no operation runs: reusable as it is.</summary>
    Idle,
    /// <summary>Inside a transaction block ('T'): reusable after a ROLLBACK.</summary>
    InTransaction,
    /// <summary>Inside a failed transaction block ('E'): reusable after a ROLLBACK.</summary>
    InFailedTransaction,
    /// <summary>An operation is unfinished (a stream being read, COPY, a pipeline): the protocol is mid-exchange.</summary>
    Busy,
    /// <summary>Lost: socket error, protocol violation, or the server said it is closing the session (57P01/57P02/57P03, FATAL).</summary>
    Broken,
    /// <summary>Closed on purpose (Terminate sent).</summary>
    Closed,
}
