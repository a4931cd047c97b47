using System.Data.Common;
using System.Text.RegularExpressions;
using Sharpgres.Errors;

namespace Sharpgres.Tests;

public class ErrorClassTests
{
    private const string ErrcodesPath = "/usr/share/postgresql/15/errcodes.txt";

    [Theory]
    [InlineData("23505", typeof(UniqueViolation), typeof(IntegrityError))]
    [InlineData("25P02", typeof(InFailedSqlTransaction), typeof(InternalError))]
    [InlineData("42P01", typeof(UndefinedTable), typeof(ProgrammingError))]
    [InlineData("28P01", typeof(InvalidPassword), typeof(OperationalError))]
    [InlineData("57014", typeof(QueryCanceled), typeof(OperationalError))]
    [InlineData("22012", typeof(DivisionByZero), typeof(DataError))]
    [InlineData("40001", typeof(SerializationFailure), typeof(OperationalError))]
    [InlineData("22000", typeof(DataException), typeof(DataError))]
    [InlineData("0A000", typeof(FeatureNotSupported), typeof(NotSupportedError))]
    [InlineData("03000", typeof(SqlStatementNotYetComplete), typeof(DatabaseError))]
    [InlineData("P0001", typeof(RaiseException), typeof(ProgrammingError))]
    [InlineData("XX000", typeof(InternalError_), typeof(InternalError))]
    public void LookupByCode(string code, Type expected, Type dbApiBase)
    {
        Assert.Same(expected, Error.Lookup(code));
        Assert.Same(dbApiBase, expected.BaseType);
        Assert.Same(dbApiBase, Error.BaseClassFor(code));
    }

    [Theory]
    [InlineData("unique_violation", typeof(UniqueViolation))]
    [InlineData("UNIQUE_VIOLATION", typeof(UniqueViolation))]
    [InlineData("UniqueViolation", typeof(UniqueViolation))]
    [InlineData("in_failed_sql_transaction", typeof(InFailedSqlTransaction))]
    [InlineData("undefined_table", typeof(UndefinedTable))]
    [InlineData("invalid_password", typeof(InvalidPassword))]
    [InlineData("query_canceled", typeof(QueryCanceled))]
    [InlineData("division_by_zero", typeof(DivisionByZero))]
    [InlineData("serialization_failure", typeof(SerializationFailure))]
    [InlineData("sql_statement_not_yet_complete", typeof(SqlStatementNotYetComplete))]
    [InlineData("string_data_right_truncation", typeof(StringDataRightTruncation))]
    [InlineData("internal_error", typeof(InternalError_))]
    [InlineData("42p01", typeof(UndefinedTable))]
    // Spec names shared by two codes resolve to the later code, as in psycopg.
    [InlineData("null_value_not_allowed", typeof(NullValueNotAllowedExt))]
    [InlineData("NullValueNotAllowed", typeof(NullValueNotAllowed))]
    [InlineData("modifying_sql_data_not_permitted", typeof(ModifyingSqlDataNotPermittedExt))]
    public void LookupByName(string name, Type expected) => Assert.Same(expected, Error.Lookup(name));

    [Fact]
    public void InFailedSqlTransactionIsInternalError()
    {
        var t = Error.Lookup("in_failed_sql_transaction");
        Assert.True(typeof(InternalError).IsAssignableFrom(t));
        Assert.Equal("25P02", InFailedSqlTransaction.Code);
        Assert.Equal("in_failed_sql_transaction", InFailedSqlTransaction.Name);
    }

    [Theory]
    [InlineData("ZZZZZ")]
    [InlineData("22ZZZ")]
    [InlineData("no_such_condition")]
    [InlineData("")]
    [InlineData("01000")] // warnings get no class, as in psycopg
    [InlineData("00000")]
    public void LookupUnknownThrows(string key)
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Error.Lookup(key));
        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public void WarningClass02HasClassesAsInPsycopg()
    {
        Assert.Same(typeof(NoData), Error.Lookup("02000"));
        Assert.Same(typeof(DatabaseError), typeof(NoData).BaseType);
    }

    [Theory]
    [InlineData("22ZZZ", typeof(DataError))]
    [InlineData("23ZZZ", typeof(IntegrityError))]
    [InlineData("08ZZZ", typeof(OperationalError))]
    [InlineData("42ZZZ", typeof(ProgrammingError))]
    [InlineData("0AZZZ", typeof(NotSupportedError))]
    [InlineData("25ZZZ", typeof(InternalError))]
    [InlineData("HVZZZ", typeof(OperationalError))]
    [InlineData("F9ZZZ", typeof(OperationalError))] // one-character prefix, as psycopg
    [InlineData("P9ZZZ", typeof(ProgrammingError))]
    [InlineData("XYZZZ", typeof(InternalError))]
    [InlineData("ZZZZZ", typeof(DatabaseError))]
    [InlineData("72ZZZ", typeof(DatabaseError))]
    public void UnknownCodeFallsBackToClassBase(string code, Type expected)
    {
        Assert.Same(expected, Error.BaseClassFor(code));
        var d = new Diagnostics { SqlState = code, MessagePrimary = "boom" };
        var e = Error.FromDiagnostics(d);
        Assert.Same(expected, e.GetType());
        Assert.Equal(code, e.SqlState);
        Assert.Same(d, e.Diagnostics);
    }

    [Fact]
    public void MissingSqlStateFallsBackToDatabaseError()
    {
        var e = Error.FromDiagnostics(new Diagnostics { MessagePrimary = "no code" });
        Assert.Same(typeof(DatabaseError), e.GetType());
        Assert.Null(e.SqlState);
    }

    [Fact]
    public void FromDiagnosticsBuildsGeneratedClass()
    {
        var d = new Diagnostics
        {
            Severity = "ERROR",
            SqlState = "23505",
            MessagePrimary = "duplicate key value violates unique constraint \"t_pkey\"",
            MessageDetail = "Key (id)=(1) already exists.",
            ConstraintName = "t_pkey",
        };
        var e = Error.FromDiagnostics(d);
        var uv = Assert.IsType<UniqueViolation>(e);
        Assert.IsAssignableFrom<IntegrityError>(uv);
        Assert.IsAssignableFrom<DatabaseError>(uv);
        Assert.Equal(d.Format(), e.Message);
        Assert.Equal("23505", e.SqlState);
        Assert.Equal("23505", e.PgCode);
        Assert.Equal(d.Format(), e.PgError);
        Assert.Equal("t_pkey", e.Diagnostics?.ConstraintName);

        DbException asDb = e;
        Assert.Equal("23505", asDb.SqlState);

        Assert.Equal("custom", Error.FromDiagnostics(d, "custom").Message);
    }

    [Fact]
    public void GeneratedClassWithoutDiagnosticsReportsItsCode()
    {
        DbException e = new QueryCanceled("canceling statement due to user request");
        Assert.Equal("57014", e.SqlState);
        Assert.Equal("57014", ((Error)e).PgCode);
        Assert.Null(((Error)e).Diagnostics);
    }

    [Fact]
    public void BaseErrorSqlStateComesFromDiagnostics()
    {
        DbException plain = new Error("x");
        Assert.Null(plain.SqlState);
        DbException withDiag = new OperationalError("x", new Diagnostics { SqlState = "08006" });
        Assert.Equal("08006", withDiag.SqlState);
    }

    [Fact]
    public void EveryGeneratedClassIsConsistent()
    {
        Assert.NotEmpty(SqlStateTable.Entries);
        var types = new HashSet<Type>();
        foreach (var entry in SqlStateTable.Entries)
        {
            Assert.True(types.Add(entry.Type), $"{entry.Type} listed twice");
            Assert.Same(entry.Type, Error.Lookup(entry.Code));
            Assert.Same(entry.Type, Error.Lookup(entry.Type.Name));
            Assert.Equal(SqlStateTable.IndexOfCode(entry.Code), Array.IndexOf(SqlStateTable.Entries, entry));
            Assert.Same(Error.BaseClassFor(entry.Code), entry.Type.BaseType);
            Assert.False(entry.Type.IsSealed);
            Assert.Equal("Sharpgres.Errors", entry.Type.Namespace);
            Assert.Equal(entry.Code, entry.Type.GetField("Code")!.GetRawConstantValue());
            Assert.Equal(entry.Name, entry.Type.GetField("Name")!.GetRawConstantValue());

            var d = new Diagnostics { SqlState = entry.Code, MessagePrimary = "m" };
            var e = Error.FromDiagnostics(d);
            Assert.Same(entry.Type, e.GetType());
            Assert.Equal(entry.Code, e.SqlState);

            var bare = entry.Create("m", null, null);
            Assert.Equal(entry.Code, bare.SqlState);
        }
    }

    public static IEnumerable<object[]> ErrcodesErrorLines()
    {
        if (!File.Exists(ErrcodesPath))
            yield break;
        var line = new Regex(@"^(\S{5})\s+E\s+ERRCODE_(\S+)(?:\s+(\S+))?\s*$");
        foreach (var text in File.ReadLines(ErrcodesPath))
        {
            var m = line.Match(text);
            if (m.Success)
                yield return [m.Groups[1].Value, m.Groups[3].Success ? m.Groups[3].Value : ""];
        }
    }

    [Fact]
    public void EveryErrorLineOfErrcodesTxtResolves()
    {
        var lines = ErrcodesErrorLines().ToList();
        if (lines.Count == 0)
            return; // errcodes.txt not installed here
        Assert.True(lines.Count > 200, $"only {lines.Count} E lines parsed");
        foreach (var fields in lines)
        {
            var code = (string)fields[0];
            var spec = (string)fields[1];
            var type = Error.Lookup(code);
            Assert.True(typeof(DatabaseError).IsAssignableFrom(type), code);
            Assert.Same(Error.BaseClassFor(code), type.BaseType);
            if (spec.Length > 0)
            {
                Assert.Equal(spec, type.GetField("Name")!.GetRawConstantValue());
                Assert.True(typeof(DatabaseError).IsAssignableFrom(Error.Lookup(spec)), spec);
            }
        }
    }
}
