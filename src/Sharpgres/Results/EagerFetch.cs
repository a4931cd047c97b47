using System.Diagnostics.CodeAnalysis;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>
/// What a statement's last run taught the connection: its whole result was fetched as <c>T</c> in one call
/// (<c>FetchAll&lt;T&gt;()</c>). psycopg's Execute reads the whole result before the row type is known, so mapping
/// would otherwise start only once the server has finished; the next run of the statement maps each row as it
/// arrives instead, while the server is still producing the ones after it, and FetchAll&lt;T&gt; hands the array over.
/// Kept on the statement's cache entry. Only for mappings that run no code of the application's (value tuples and
/// scalars, over built-in codecs that build no user objects), so doing the work earlier changes nothing but when it
/// happens; a row that fails to map stops it, and FetchAll&lt;T&gt; then maps and raises as it would have.
/// A run whose rows were mapped but not taken (the application fetched otherwise) forgets the plan.
/// </summary>
internal abstract class EagerFetch
{
    private bool _pending;   // rows were mapped for a run and not taken yet

    /// <summary>How many rows the last run had: the first array's size, so a repeated result needs no copy.</summary>
    public int ExpectedRows { get; set; }

    /// <summary>
    /// Starts mapping the rows of <paramref name="result"/> (its description is known, no row read yet), when its
    /// columns allow it. False when the last run's rows were never taken: the caller then forgets the plan.
    /// </summary>
    public bool Begin(ResultSet result)
    {
        if (_pending) return false;
        if (Start(result) is { } rows)
        {
            _pending = true;
            result.Eager = rows;
        }
        return true;
    }

    /// <summary>The rows of the run were taken, or mapping stopped: nothing is left waiting.</summary>
    internal void Settled() => _pending = false;

    protected abstract EagerRows? Start(ResultSet result);
}

/// <summary>The plan for one row type.</summary>
internal sealed class EagerFetch<[DynamicallyAccessedMembers(MappedMembers.Row)] T> : EagerFetch
{
    /// <summary>True when mapping onto T runs no application code: a scalar or a value tuple of scalars.</summary>
    public static readonly bool Eligible = RunsNoUserCode(typeof(T));

    protected override EagerRows? Start(ResultSet result)
    {
        var shape = result.Description!;
        for (var i = 0; i < shape.Count; i++)
            if (!IsPlainCodec(result.CodecAt(i))) return null;
        RowMapper<T> mapper;
        try { mapper = RowMapper<T>.For(shape); }
        catch (Exception) { return null; }   // the columns no longer fit T: FetchAll<T> will say so, at its time
        return new EagerRows<T>(this, mapper, ExpectedRows);
    }

    private static bool RunsNoUserCode(Type t) => RowMapper<T>.IsValueTuple(t)
        ? t.GetGenericArguments().All(RunsNoUserCode)
        : RowMapper<T>.IsScalar(t);   // arrays included: byte[] is bytea's; a container column fails IsPlainCodec

    /// <summary>
    /// A built-in codec of a plain type (numbers, text, dates and times, uuid, bytea, network types ...). Not json
    /// (its loads may be the application's), containers, composites, nor any codec an application registered.
    /// </summary>
    private static bool IsPlainCodec(PgCodec? codec) =>
        codec is not null && codec.GetType() is var type && type.Assembly == typeof(PgCodec).Assembly
        && type.Namespace == "Sharpgres.Types.Codecs" && codec is not Types.Codecs.JsonCodec;
}

/// <summary>One run's rows, mapped as they arrive; held by the result until FetchAll&lt;T&gt; takes them.</summary>
internal abstract class EagerRows
{
    /// <summary>Maps the row just added to <paramref name="result"/>.</summary>
    public abstract void Add(ResultSet result);

    /// <summary>The result is complete (or dropped): gives the row reader back.</summary>
    public abstract void Complete();
}

internal sealed class EagerRows<[DynamicallyAccessedMembers(MappedMembers.Row)] T> : EagerRows
{
    // Results smaller than this get their exact last size at once; a bigger one starts here and jumps to the last
    // size once it has this many rows, so a small result of a statement that once returned millions stays small.
    private const int FirstRows = 1024;
    private readonly EagerFetch<T> _plan;
    private readonly RowMapper<T> _mapper;
    private readonly int _expected;
    private RowAccess? _access = RowAccess.Rent();
    private T[]? _rows;

    public EagerRows(EagerFetch<T> plan, RowMapper<T> mapper, int expected)
    {
        _plan = plan;
        _mapper = mapper;
        _expected = expected;
        _rows = new T[Math.Min(expected, FirstRows)];
    }

    public override void Add(ResultSet result)
    {
        if (_rows is not { } rows) return;
        var index = result.Count - 1;
        try
        {
            if (index == rows.Length)
            {
                Array.Resize(ref rows, rows.Length < _expected ? _expected : Math.Max(4, rows.Length * 2));
                _rows = rows;
            }
            _access!.Point(result, index);
            rows[index] = _mapper.Map(_access);
        }
        catch (Exception)
        {
            // A value that doesn't map (a NULL into an int ...): FetchAll<T> maps again and raises it at its time.
            Stop(result);
        }
    }

    public override void Complete()
    {
        if (_access is { } access) { _access = null; RowAccess.Return(access); }
    }

    /// <summary>The mapped rows, exactly the result's count; null when mapping stopped. Taken once.</summary>
    public T[]? Take(ResultSet result)
    {
        var rows = _rows;
        Stop(result);
        if (rows is null) return null;
        if (rows.Length != result.Count) Array.Resize(ref rows, result.Count);
        _plan.ExpectedRows = result.Count;
        return rows;
    }

    private void Stop(ResultSet result)
    {
        _rows = null;
        result.Eager = null;
        _plan.Settled();
        Complete();
    }
}
