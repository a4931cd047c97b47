namespace Sharpgres;

/// <summary>
/// The fields of a server ErrorResponse or NoticeResponse, as psycopg's <c>Diagnostic</c>.
/// Field codes: https://www.postgresql.org/docs/current/protocol-error-fields.html
/// </summary>
public sealed class Diagnostics
{
    public string? Severity { get; init; }
    public string? SeverityNonlocalized { get; init; }
    public string? SqlState { get; init; }
    public string? MessagePrimary { get; init; }
    public string? MessageDetail { get; init; }
    public string? MessageHint { get; init; }
    public string? StatementPosition { get; init; }
    public string? InternalPosition { get; init; }
    public string? InternalQuery { get; init; }
    public string? Context { get; init; }
    public string? SchemaName { get; init; }
    public string? TableName { get; init; }
    public string? ColumnName { get; init; }
    public string? DatatypeName { get; init; }
    public string? ConstraintName { get; init; }
    public string? SourceFile { get; init; }
    public string? SourceLine { get; init; }
    public string? SourceFunction { get; init; }

    /// <summary>The message as libpq and psycopg show it: primary text, then DETAIL and HINT lines.</summary>
    public string Format()
    {
        var text = MessagePrimary ?? "unknown server error";
        if (MessageDetail is not null) text += "\nDETAIL:  " + MessageDetail;
        if (MessageHint is not null) text += "\nHINT:  " + MessageHint;
        return text;
    }

    public override string ToString() => $"{Severity}: {Format()} (SQLSTATE {SqlState})";
}
