using Sharpgres.Errors;

namespace Sharpgres;

public partial class Error
{
    /// <summary>
    /// The exception class for a SQLSTATE or condition name, as psycopg's <c>errors.lookup()</c>.
    /// Accepts a five-character code (<c>"23505"</c>), a spec name from PostgreSQL's error codes table
    /// (<c>"unique_violation"</c>) or a generated class name (<c>"UniqueViolation"</c>); case-insensitive.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No generated class has that code or name.</exception>
    public static Type Lookup(string codeOrName)
    {
        ArgumentNullException.ThrowIfNull(codeOrName);
        var i = SqlStateTable.IndexOfUpperKey(codeOrName.ToUpperInvariant());
        if (i < 0)
            throw new KeyNotFoundException(
                $"No Sharpgres error class for SQLSTATE or condition name '{codeOrName}'. " +
                "Expected a code such as \"23505\" or a name such as \"unique_violation\".");
        return SqlStateTable.Entries[i].Type;
    }

    /// <summary>
    /// The exception for a server error: the generated class for its SQLSTATE; for a code without one,
    /// the DB-API base of its class (as psycopg's <c>get_base_exception</c>), else <see cref="DatabaseError"/>.
    /// </summary>
    internal static Error FromDiagnostics(Diagnostics d, string? messageOverride = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        var message = messageOverride ?? d.Format();
        var code = d.SqlState ?? "";
        var i = SqlStateTable.IndexOfCode(code);
        if (i >= 0)
            return SqlStateTable.Entries[i].Create(message, d, null);
        return BaseFor(code) switch
        {
            DbApiBase.Operational => new OperationalError(message, d),
            DbApiBase.NotSupported => new NotSupportedError(message, d),
            DbApiBase.Programming => new ProgrammingError(message, d),
            DbApiBase.Data => new DataError(message, d),
            DbApiBase.Integrity => new IntegrityError(message, d),
            DbApiBase.Internal => new InternalError(message, d),
            _ => new DatabaseError(message, d),
        };
    }

    /// <summary>
    /// The DB-API base psycopg 3 uses for a SQLSTATE (its <c>_base_exc_map</c>): looked up by the first two
    /// characters, then the first one, else <see cref="DatabaseError"/>. Every generated class derives from it.
    /// </summary>
    internal static Type BaseClassFor(string sqlstate) => BaseFor(sqlstate) switch
    {
        DbApiBase.Operational => typeof(OperationalError),
        DbApiBase.NotSupported => typeof(NotSupportedError),
        DbApiBase.Programming => typeof(ProgrammingError),
        DbApiBase.Data => typeof(DataError),
        DbApiBase.Integrity => typeof(IntegrityError),
        DbApiBase.Internal => typeof(InternalError),
        _ => typeof(DatabaseError),
    };

    private enum DbApiBase { Database, Operational, NotSupported, Programming, Data, Integrity, Internal }

    // Keep in step with BASE_BY_PREFIX in tools/generate-errors.py (a test checks every generated class).
    private static DbApiBase BaseFor(string sqlstate)
    {
        ArgumentNullException.ThrowIfNull(sqlstate);
        if (sqlstate.Length >= 2)
        {
            var byClass = sqlstate.AsSpan(0, 2) switch
            {
                "08" => DbApiBase.Operational,   // Connection Exception
                "0A" => DbApiBase.NotSupported,  // Feature Not Supported
                "20" => DbApiBase.Programming,   // Case Not Found
                "21" => DbApiBase.Programming,   // Cardinality Violation
                "22" => DbApiBase.Data,          // Data Exception
                "23" => DbApiBase.Integrity,     // Integrity Constraint Violation
                "24" => DbApiBase.Internal,      // Invalid Cursor State
                "25" => DbApiBase.Internal,      // Invalid Transaction State
                "26" => DbApiBase.Programming,   // Invalid SQL Statement Name
                "27" => DbApiBase.Operational,   // Triggered Data Change Violation
                "28" => DbApiBase.Operational,   // Invalid Authorization Specification
                "2B" => DbApiBase.Internal,      // Dependent Privilege Descriptors Still Exist
                "2D" => DbApiBase.Internal,      // Invalid Transaction Termination
                "2F" => DbApiBase.Operational,   // SQL Routine Exception
                "34" => DbApiBase.Programming,   // Invalid Cursor Name
                "38" => DbApiBase.Operational,   // External Routine Exception
                "39" => DbApiBase.Operational,   // External Routine Invocation Exception
                "3B" => DbApiBase.Operational,   // Savepoint Exception
                "3D" => DbApiBase.Programming,   // Invalid Catalog Name
                "3F" => DbApiBase.Programming,   // Invalid Schema Name
                "40" => DbApiBase.Operational,   // Transaction Rollback
                "42" => DbApiBase.Programming,   // Syntax Error or Access Rule Violation
                "44" => DbApiBase.Programming,   // WITH CHECK OPTION Violation
                "53" => DbApiBase.Operational,   // Insufficient Resources
                "54" => DbApiBase.Operational,   // Program Limit Exceeded
                "55" => DbApiBase.Operational,   // Object Not In Prerequisite State
                "57" => DbApiBase.Operational,   // Operator Intervention
                "58" => DbApiBase.Operational,   // System Error
                _ => (DbApiBase?)null,
            };
            if (byClass is { } b) return b;
        }
        if (sqlstate.Length >= 1)
        {
            switch (sqlstate[0])
            {
                case 'F': return DbApiBase.Operational;  // Configuration File Error
                case 'H': return DbApiBase.Operational;  // Foreign Data Wrapper Error (SQL/MED)
                case 'P': return DbApiBase.Programming;  // PL/pgSQL Error
                case 'X': return DbApiBase.Internal;     // Internal Error
            }
        }
        return DbApiBase.Database;
    }
}
