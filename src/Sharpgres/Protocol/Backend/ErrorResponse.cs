namespace Sharpgres.Protocol.Backend;

/// <summary>
/// ErrorResponse / NoticeResponse body: (field code byte, string)* then a NUL.
/// https://www.postgresql.org/docs/current/protocol-error-fields.html
/// </summary>
internal static class ErrorResponse
{
    public static Diagnostics Parse(ReadOnlySpan<byte> payload)
    {
        string? severity = null, severityNl = null, code = null, message = null, detail = null, hint = null, position = null,
            internalPosition = null, internalQuery = null, where = null, schema = null, table = null, column = null,
            datatype = null, constraint = null, file = null, line = null, routine = null;
        var reader = new SpanReader(payload);
        while (reader.Remaining > 0)
        {
            var field = reader.ReadByte();
            if (field == 0) break;
            var value = reader.ReadCString();
            switch ((char)field)
            {
                case 'S': severity = value; break;
                case 'V': severityNl = value; break;
                case 'C': code = value; break;
                case 'M': message = value; break;
                case 'D': detail = value; break;
                case 'H': hint = value; break;
                case 'P': position = value; break;
                case 'p': internalPosition = value; break;
                case 'q': internalQuery = value; break;
                case 'W': where = value; break;
                case 's': schema = value; break;
                case 't': table = value; break;
                case 'c': column = value; break;
                case 'd': datatype = value; break;
                case 'n': constraint = value; break;
                case 'F': file = value; break;
                case 'L': line = value; break;
                case 'R': routine = value; break;
            }
        }
        return new Diagnostics
        {
            Severity = severity, SeverityNonlocalized = severityNl, SqlState = code, MessagePrimary = message,
            MessageDetail = detail, MessageHint = hint, StatementPosition = position, InternalPosition = internalPosition,
            InternalQuery = internalQuery, Context = where, SchemaName = schema, TableName = table, ColumnName = column,
            DatatypeName = datatype, ConstraintName = constraint, SourceFile = file, SourceLine = line, SourceFunction = routine,
        };
    }
}
