namespace ActorGraph;

// How GetVariable treats a name that already has a variable, as TensorFlow 1's variable_scope reuse flag.
public enum VariableReuse
{
    // As the enclosing scope says; at the root, a second GetVariable of a name is an error.
    Inherit,
    // Return the existing variable; there must be one.
    Reuse,
    // Return the existing variable, or create it.
    AutoReuse,
}

// One variable_scope in force: the prefix of its variables, its reuse mode and its default initializer.
internal sealed record VariableScopeState(string Name, VariableReuse Reuse, Initializer? Initializer)
{
    public static readonly VariableScopeState Root = new("", VariableReuse.Inherit, null);

    public string FullName(string name) => Name.Length == 0 ? name : Name + "/" + name;

    public VariableScopeState Enter(string name, VariableReuse reuse, Initializer? initializer) =>
        new(FullName(name), reuse == VariableReuse.Inherit ? Reuse : reuse, initializer ?? Initializer);

    public static string Describe(VariableReuse reuse) => reuse switch
    {
        VariableReuse.Reuse => "reuse=True",
        VariableReuse.AutoReuse => "reuse=tf.AUTO_REUSE",
        _ => "reuse=False",
    };
}
