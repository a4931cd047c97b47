using System.Data.Common;

namespace Sharpgres;

/// <summary>
/// Root of Sharpgres' exceptions: the DB-API hierarchy as psycopg names it, on top of ADO.NET's DbException.
/// Server errors carry <see cref="Diagnostics"/> and are raised as the class generated for their SQLSTATE
/// (namespace <c>Sharpgres.Errors</c>).
/// </summary>
public partial class Error : DbException
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public Error(string message, Diagnostics? diagnostics = null, Exception? inner = null)
        : base(message, inner) => Diagnostics = diagnostics;

    /// <summary>The server's error fields, or null for errors raised by Sharpgres itself.</summary>
    public Diagnostics? Diagnostics { get; }

    /// <summary>The SQLSTATE of the server's error (e.g. 42P01), or null for errors raised by Sharpgres itself (ADO.NET's DbException.SqlState).</summary>
    public override string? SqlState => Diagnostics?.SqlState;

    /// <summary>psycopg's <c>pgcode</c>.</summary>
    public string? PgCode => SqlState;

    /// <summary>psycopg's <c>pgerror</c>: the message as the server formatted it.</summary>
    public string? PgError => Diagnostics?.Format();
}

/// <summary>Errors in the driver itself or its use (closed connection, protocol violation, misuse).</summary>
public class InterfaceError : Error
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public InterfaceError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>Errors reported by or about the database.</summary>
public class DatabaseError : Error
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public DatabaseError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>Problems with the processed data: division by zero, value out of range, invalid text representation.</summary>
public class DataError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public DataError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>Errors in the database's operation, not under the programmer's control: connection lost, auth failure, cancel.</summary>
public class OperationalError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public OperationalError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>The relational integrity of the database is affected: a foreign key or unique check failed.</summary>
public class IntegrityError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public IntegrityError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>The database met an internal error, e.g. the transaction is out of sync.</summary>
public class InternalError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public InternalError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>Programming errors: table not found, syntax error, wrong number of parameters.</summary>
public class ProgrammingError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public ProgrammingError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}

/// <summary>A method or database API that is not supported.</summary>
public class NotSupportedError : DatabaseError
{
    /// <summary>Creates the exception with its message and, for a server error, the ErrorResponse's fields.</summary>
    /// <param name="message">The error message (for a server error, its primary message).</param>
    /// <param name="diagnostics">The ErrorResponse's fields, or null when Sharpgres raises the error itself.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public NotSupportedError(string message, Diagnostics? diagnostics = null, Exception? inner = null) : base(message, diagnostics, inner) { }
}
