namespace Sharpgres;

/// <summary>Transaction isolation levels, as psycopg's <c>IsolationLevel</c>; null on a connection means the server default.</summary>
public enum IsolationLevel
{
    /// <summary>READ UNCOMMITTED: in PostgreSQL the same as READ COMMITTED (it never shows uncommitted data).</summary>
    ReadUncommitted = 1,
    /// <summary>READ COMMITTED (PostgreSQL's default): each statement sees the data committed before it began.</summary>
    ReadCommitted = 2,
    /// <summary>REPEATABLE READ: every statement of the transaction sees one snapshot, taken at its first statement; concurrent updates raise SerializationFailure.</summary>
    RepeatableRead = 3,
    /// <summary>SERIALIZABLE: as REPEATABLE READ, and transactions behave as if run one after another; conflicts raise SerializationFailure (retry the transaction).</summary>
    Serializable = 4,
}
