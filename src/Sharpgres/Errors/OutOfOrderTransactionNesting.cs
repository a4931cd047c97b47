namespace Sharpgres.Errors;

/// <summary>
/// A transaction block was committed or left while a block opened inside it was still open (psycopg's
/// OutOfOrderTransactionNesting). Nothing is sent to the server: the transaction stays open, uncommitted, until the
/// blocks are closed in order or the connection rolls back.
/// </summary>
public class OutOfOrderTransactionNesting : ProgrammingError
{
    /// <summary>Creates the error with the message naming the action and the block.</summary>
    public OutOfOrderTransactionNesting(string message, Diagnostics? diagnostics = null, Exception? inner = null)
        : base(message, diagnostics, inner) { }
}
