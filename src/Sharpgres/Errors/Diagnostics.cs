namespace Sharpgres;

/// <summary>
/// The fields of a server ErrorResponse or NoticeResponse, as psycopg's <c>Diagnostic</c>.
/// Field codes: https://www.postgresql.org/docs/current/protocol-error-fields.html
/// </summary>
public sealed class Diagnostics
{
    /// <summary>The S field: the severity, localized (ERROR, FATAL, PANIC in an ErrorResponse; WARNING, NOTICE, DEBUG, INFO, LOG in a NoticeResponse).</summary>
    public string? Severity { get; init; }
    /// <summary>The V field: the severity never translated (PostgreSQL 9.6 and later), for code that tests it.</summary>
    public string? SeverityNonlocalized { get; init; }
    /// <summary>The C field: the SQLSTATE code (e.g. 23505), which picks the exception class raised.</summary>
    public string? SqlState { get; init; }
    /// <summary>The M field: the primary human-readable message, one line.</summary>
    public string? MessagePrimary { get; init; }
    /// <summary>The D field: an optional secondary message with more detail, possibly several lines.</summary>
    public string? MessageDetail { get; init; }
    /// <summary>The H field: an optional suggestion what to do about the problem.</summary>
    public string? MessageHint { get; init; }
    /// <summary>The P field: the 1-based character index in the query text where the error was found, as text.</summary>
    public string? StatementPosition { get; init; }
    /// <summary>The p field: like StatementPosition, but in an internally generated query (see InternalQuery), as text.</summary>
    public string? InternalPosition { get; init; }
    /// <summary>The q field: the text of a failed internally generated command (e.g. a SQL statement issued by a PL/pgSQL function).</summary>
    public string? InternalQuery { get; init; }
    /// <summary>The W field: where the error occurred, e.g. a call stack of PL/pgSQL functions, one entry per line.</summary>
    public string? Context { get; init; }
    /// <summary>The s field: the schema of the object the error is about, when it is about one.</summary>
    public string? SchemaName { get; init; }
    /// <summary>The t field: the table the error is about (its schema is in SchemaName), when it is about one.</summary>
    public string? TableName { get; init; }
    /// <summary>The c field: the column the error is about (its table is in TableName), when it is about one.</summary>
    public string? ColumnName { get; init; }
    /// <summary>The d field: the data type the error is about, when it is about one.</summary>
    public string? DatatypeName { get; init; }
    /// <summary>The n field: the constraint that was violated (a unique, foreign key, check or exclusion constraint).</summary>
    public string? ConstraintName { get; init; }
    /// <summary>The F field: the PostgreSQL source file that reported the error.</summary>
    public string? SourceFile { get; init; }
    /// <summary>The L field: the line in SourceFile that reported the error, as text.</summary>
    public string? SourceLine { get; init; }
    /// <summary>The R field: the PostgreSQL source routine that reported the error.</summary>
    public string? SourceFunction { get; init; }

    /// <summary>The message as libpq and psycopg show it: primary text, then DETAIL and HINT lines.</summary>
    public string Format()
    {
        var text = MessagePrimary ?? "unknown server error";
        if (MessageDetail is not null) text += "\nDETAIL:  " + MessageDetail;
        if (MessageHint is not null) text += "\nHINT:  " + MessageHint;
        return text;
    }

    /// <summary>The severity, the formatted message and the SQLSTATE, e.g. <c>ERROR: relation "t" does not exist (SQLSTATE 42P01)</c>.</summary>
    public override string ToString() => $"{Severity}: {Format()} (SQLSTATE {SqlState})";
}
