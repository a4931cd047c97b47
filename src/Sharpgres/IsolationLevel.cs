namespace Sharpgres;

/// <summary>Transaction isolation levels, as psycopg's <c>IsolationLevel</c>; null on a connection means the server default.</summary>
public enum IsolationLevel
{
    ReadUncommitted = 1,
    ReadCommitted = 2,
    RepeatableRead = 3,
    Serializable = 4,
}
