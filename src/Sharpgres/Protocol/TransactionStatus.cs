namespace Sharpgres;

/// <summary>The transaction status ReadyForQuery reports (psycopg's <c>TransactionStatus</c>).</summary>
public enum TransactionStatus
{
    /// <summary>Connected, not in a transaction ('I').</summary>
    Idle,
    /// <summary>A command is in progress (only seen while an operation runs).</summary>
    Active,
    /// <summary>Inside a transaction block ('T').</summary>
    InTransaction,
    /// <summary>Inside a failed transaction block: commands are ignored until rollback ('E').</summary>
    InError,
    /// <summary>The connection is closed or broken.</summary>
    Unknown,
}
