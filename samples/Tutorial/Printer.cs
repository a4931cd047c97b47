using System.Collections;
using System.Runtime.CompilerServices;
using Sharpgres;

namespace Tutorial;

/// <summary>
/// Prints a walkthrough the way the tutorials read: the C# line (captured from the source itself with
/// [CallerArgumentExpression], so the printed code is the code that ran), then what it shows.
/// <c>&gt; </c> starts a line of C#, <c>// </c> a remark; everything else is output.
/// </summary>
public sealed class Printer(TextWriter output)
{
    public TextWriter Output { get; } = output;

    public void Title(string text)
    {
        Output.WriteLine();
        Output.WriteLine($"== {text} ==");
    }

    /// <summary>A remark, as the tutorials' prose between the steps.</summary>
    public void Say(string text) => Output.WriteLine($"// {text}");

    /// <summary>Output that isn't the value of an expression (e.g. a Console.WriteLine of the tutorial).</summary>
    public void Line(string text) => Output.WriteLine(text);

    /// <summary>Prints and runs a statement.</summary>
    public void Run(Action statement, [CallerArgumentExpression(nameof(statement))] string code = "")
    {
        WriteCode(Body(code));
        statement();
    }

    /// <summary>Prints and evaluates an expression, then prints its value.</summary>
    public T Show<T>(Func<T> expression, [CallerArgumentExpression(nameof(expression))] string code = "")
    {
        WriteCode(Body(code));
        var value = expression();
        Output.WriteLine(Repr(value));
        return value;
    }

    /// <summary>Declares a variable: prints <c>var name = value;</c> from the value's own source text.</summary>
    public T Let<T>(string name, T value, [CallerArgumentExpression(nameof(value))] string code = "")
    {
        var repr = Repr(value);
        var shown = (value is string s && !s.Contains('\n') || value is IFormattable) && repr != code ? $"   // {repr}" : "";
        WriteCode($"var {name} = {code};{shown}");
        return value;
    }

    /// <summary>Declares a disposable: prints <c>using var name = value;</c> (the caller disposes it with a using).</summary>
    public T Using<T>(string name, T value, [CallerArgumentExpression(nameof(value))] string code = "") where T : IDisposable
    {
        WriteCode($"using var {name} = {code};");
        return value;
    }

    /// <summary>Prints and evaluates a sequence, one element a line, as the tutorial's <c>for record in ...: print(record)</c>.</summary>
    public IReadOnlyList<T> Each<T>(Func<IReadOnlyList<T>> expression, int? head = null, [CallerArgumentExpression(nameof(expression))] string code = "")
    {
        WriteCode($"foreach (var record in {Body(code)}) Console.WriteLine(record);");
        var items = expression();
        if (head is { } n && items.Count > 2 * n)
        {
            foreach (var item in items.Take(n)) Output.WriteLine(Repr(item));
            Output.WriteLine($"... ({items.Count - 2 * n} more, truncated as in the tutorial)");
            foreach (var item in items.Skip(items.Count - n)) Output.WriteLine(Repr(item));
        }
        else
        {
            foreach (var item in items) Output.WriteLine(Repr(item));
        }
        return items;
    }

    /// <summary>
    /// Prints and runs a statement the tutorial shows failing; prints the exception as Python prints a traceback's last
    /// line. Not failing is an error of the walkthrough itself.
    /// </summary>
    public TException Fails<TException>(Action statement, [CallerArgumentExpression(nameof(statement))] string code = "")
        where TException : Exception =>
        Tries<TException>(statement, null, code)
        ?? throw new InvalidOperationException($"expected {typeof(TException).Name} from: {Body(code)}");

    /// <summary>
    /// As <see cref="Fails{TException}"/> for a failure that depends on the server's setup (a password check under
    /// trust authentication): when the statement succeeds, prints <paramref name="otherwise"/> and returns null.
    /// </summary>
    public TException? Tries<TException>(Action statement, string? otherwise, [CallerArgumentExpression(nameof(statement))] string code = "")
        where TException : Exception
    {
        WriteCode(Body(code));
        try
        {
            statement();
        }
        catch (TException e)
        {
            Output.WriteLine(Describe(e));
            return e;
        }
        if (otherwise is not null) Say(otherwise);
        return null;
    }

    /// <summary><c>Sharpgres.Errors.UndefinedTable: relation "t" does not exist</c>, as psycopg's traceback ends.</summary>
    public static string Describe(Exception e) => $"{e.GetType().FullName}: {e.Message}";

    /// <summary>Values as the C# interactive shows them, dates in ISO order; rows as the tuples the tutorials print.</summary>
    public static string Repr(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        bool b => b ? "true" : "false",
        Row row => row.ToString(),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('.'),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('.'),
        DateTimeOffset dto => dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture),
        System.Runtime.CompilerServices.ITuple tuple => "(" + string.Join(", ", Enumerable.Range(0, tuple.Length).Select(i => Repr(tuple[i]))) + ")",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Repr)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>The lambda's body: "() => x" is "x"; "() => { a; b; }" is its statements.</summary>
    private static string Body(string code)
    {
        code = code.Trim();
        if (code.StartsWith("() =>", StringComparison.Ordinal)) code = code[5..].Trim();
        if (code.StartsWith('{') && code.EndsWith('}')) code = code[1..^1].Trim('\r', '\n').TrimEnd();
        return code;
    }

    private void WriteCode(string code)
    {
        var lines = Dedent(code).Split('\n');
        for (var i = 0; i < lines.Length; i++) Output.WriteLine((i == 0 ? "> " : "  ") + lines[i].TrimEnd('\r'));
    }

    /// <summary>Removes the source's indentation; an expression's first line carries none, so it isn't measured.</summary>
    private static string Dedent(string code)
    {
        var lines = code.Replace("\r\n", "\n").Split('\n');
        static int Indent(string l) => l.Length - l.TrimStart().Length;
        var from = Indent(lines[0]) == 0 ? 1 : 0;
        var measured = lines.Skip(from).Where(l => l.Trim().Length > 0).ToList();
        var indent = measured.Count == 0 ? 0 : measured.Min(Indent);
        return string.Join('\n', lines.Select((l, i) => i < from ? l : l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
