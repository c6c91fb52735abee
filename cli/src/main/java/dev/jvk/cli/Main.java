package dev.jvk.cli;

import dev.jvk.nn.InsufficientMemoryException;
import dev.jvk.nn.MemoryPlan;
import dev.jvk.nn.ModelFileException;
import dev.jvk.nn.TrainingDivergedException;
import dev.jvk.nn.data.CsvReader;
import dev.jvk.nn.data.DataException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code jvk} command line: {@code info}, {@code train}, {@code evaluate}, {@code predict}, {@code export}, {@code compress}, {@code bench}.
 *
 * <p>Exit codes: 0 success; 1 training diverged or an internal error; 2 bad options or bad data, or
 * data or a model that asks for more memory or stack than the JVM has (one line on stderr, no stack
 * trace unless {@code --debug}, nothing written).
 */
@Command(name = "jvk", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Pure-Java SIMD kernels on the Vector API, and an MLP that trains on them.",
        footer = {"", "Exit codes: 0 done; 2 bad options or data, or more than the heap holds (one line on stderr, nothing written;",
            "--debug adds the stack trace); 1 training diverged or an internal error. JVM options: JAVA_OPTS=-Xmx8g ./jvk ..."},
        subcommands = {InfoCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, CompressCommand.class, BenchCommand.class, Main.Help.class})
public final class Main implements Callable<Integer> {
    /** Exit code for bad options or data. */
    public static final int USAGE = 2;
    /** Exit code for a run that failed for another reason (diverged training, a bug). */
    public static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print the Java stack trace after the one-line message.")
    boolean debug;

    Main() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with these streams and returns the exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // Path.of("") is the working folder: an empty value (an unset shell variable) would be read as a folder, or a
        // file's folder, and refused as that or worse
        cli.registerConverter(Path.class, value -> {
            if (value.isEmpty()) {
                throw new CommandLine.TypeConversionException("an empty path; give a file name");
            }
            return Path.of(value);
        });
        cli.setParameterExceptionHandler((parseError, arguments) -> {
            CommandLine.ParameterException ex = misspeltOption(parseError, arguments);
            String command = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println(prefix(command) + oneLine(problem(ex)) + didYouMean(ex) + " (see --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String command = commandLine.getCommandName();
            PrintWriter e = commandLine.getErr();
            Throwable cause = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            int code = switch (cause) {
                case UsageException u -> USAGE;
                case DataException d -> USAGE;
                case ModelFileException m -> USAGE;
                case InsufficientMemoryException m -> USAGE;
                case NoSuchFileException n -> USAGE;
                case AccessDeniedException a -> USAGE;
                case IllegalArgumentException i -> USAGE;
                case TrainingDivergedException t -> FAILED;
                case IOException io -> USAGE;
                default -> -1;
            };
            if (code == -1) {
                e.println(prefix(command) + "internal error: " + cause);
                cause.printStackTrace(e);
                return FAILED;
            }
            e.println(prefix(command) + describe(cause));
            if (debug(commandLine.getParseResult())) {
                cause.printStackTrace(e);
            }
            return code;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError error) {
            // picocli passes Errors through. What is left of the heap after unwinding is enough for one line;
            // the arrays that ran out are garbage by now.
            CommandLine.ParseResult parsed = cli.getParseResult();
            String command = parsed != null && parsed.subcommand() != null ? parsed.subcommand().commandSpec().name() : "jvk";
            err.println(prefix(command) + tooMuch(error));
            if (parsed != null && debug(parsed)) {
                error.printStackTrace(err);
            }
            err.flush();
            return USAGE;
        }
    }

    /** One line for data or a model that asked for more than the JVM has: the need's kind, the limit, and how to raise it. */
    static String tooMuch(Throwable error) {
        if (error instanceof StackOverflowError) {
            return "the input nests too deeply for the thread's stack (StackOverflowError); raise it with JAVA_OPTS=-Xss16m ./jvk ... (java -Xss16m)";
        }
        long max = Runtime.getRuntime().maxMemory();
        return "out of memory (" + oneLine(String.valueOf(error.getMessage())) + "): the data or model needs more than the "
                + MemoryPlan.describe(max) + " this JVM may use; raise it with JAVA_OPTS=-Xmx" + MemoryPlan.suggestHeap(2 * max)
                + " ./jvk ... (java -Xmx" + MemoryPlan.suggestHeap(2 * max) + "), or use less data or a smaller model";
    }

    private static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Picocli's message, but for a misspelt option the option alone: picocli lists the value after it too
     * ("Unknown options: '--epocs', '3'"), which reads as if the value were a second unknown option.
     */
    private static String problem(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty() && u.getUnmatched().getFirst().startsWith("-")
                && !u.getUnmatched().getFirst().matches("-[0-9.].*")) {
            String option = u.getUnmatched().getFirst();
            return "unknown option '" + (option.contains("=") ? option.substring(0, option.indexOf('=')) : option) + "'";
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty() && ex.getCommandLine().getParent() == null
                && ex.getCommandLine().getParseResult() != null && !ex.getCommandLine().getParseResult().hasSubcommand()) {
            return unknownCommand(u.getUnmatched().getFirst(), ex.getCommandLine());
        }
        return ex.getMessage();
    }

    /**
     * "unknown command 'trian'; did you mean train?", or the commands when none is close: what {@code jvk trian} and
     * {@code jvk help trian} both say.
     */
    static String unknownCommand(String name, CommandLine root) {
        String closest = CsvReader.closestName(name, root.getSubcommands().keySet());
        return "unknown command " + DataException.printable(name)
                + (closest != null ? "; did you mean " + closest + "?" : "; the commands are " + String.join(", ", root.getSubcommands().keySet()));
    }

    /**
     * For a required option reported missing, the misspelt option that stood for it, if any: picocli checks the required
     * options before the unmatched ones, so "--modle m.jvk" would say "Missing required option: '--model=FILE'" and
     * leave the typo unnamed.
     */
    private static CommandLine.ParameterException misspeltOption(CommandLine.ParameterException ex, String[] arguments) {
        if (!(ex instanceof CommandLine.MissingParameterException)) {
            return ex;
        }
        boolean value = false;
        for (String argument : arguments) {
            String name = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            if (value || !name.startsWith("-") || name.equals("-") || name.matches("-[0-9.].*")) {
                value = false;   // not an option: the value of the one before, standard input or a negative number
                continue;
            }
            CommandLine.Model.OptionSpec option = null;
            for (CommandLine c = ex.getCommandLine(); c != null && option == null; c = c.getParent()) {
                option = c.getCommandSpec().findOption(name);
            }
            if (option == null) {
                return new CommandLine.UnmatchedArgumentException(ex.getCommandLine(), List.of(argument));
            }
            value = !argument.contains("=") && option.arity().max() > 0;
        }
        return ex;
    }

    /**
     * For a misspelt option, the command's option it is closest to, as "; did you mean --epochs?", when one is close
     * ({@link CsvReader#closestName}); an unknown command has its own ({@link #unknownCommand}).
     */
    private static String didYouMean(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty() && problem(ex).startsWith("unknown option '")) {
            String option = u.getUnmatched().getFirst();
            String closest = CsvReader.closestName(option.contains("=") ? option.substring(0, option.indexOf('=')) : option,
                    ex.getCommandLine().getCommandSpec().optionsMap().keySet());
            return closest != null ? "; did you mean " + closest + "?" : "";
        }
        return "";
    }

    private static String prefix(String command) {
        return command.equals("jvk") ? "jvk: " : "jvk " + command + ": ";
    }

    /**
     * The error's one line. The JDK's exceptions name files as given (a name may hold a line break, which would forge a
     * second line on stderr, or a terminal escape): escaped as jvk's own exceptions escape their messages.
     */
    private static String describe(Throwable t) {
        if (t instanceof NoSuchFileException n) {
            return DataException.escaped(n.getFile()) + ": no such file";
        }
        if (t instanceof AccessDeniedException a) {
            return DataException.escaped(a.getFile()) + ": permission denied";
        }
        String message = t.getMessage();
        return DataException.escaped((message == null ? t.toString() : message).strip());
    }

    /** Picocli's multi-line messages on one line, and what the user typed in them (a value, a file name) escaped. */
    private static String oneLine(String s) {
        return DataException.escaped(s.replace('\n', ' ').replace('\r', ' ').strip());
    }

    /** No command: a usage error, as any other (the usage on stderr, exit 2); {@code --help} and {@code help} print it on stdout. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /**
     * {@code help [COMMAND]}: the usage of jvk or of a command on stdout; an unknown command is refused as {@code jvk
     * COMMAND} refuses it (picocli's own help command said "Unknown subcommand" and suggested nothing).
     */
    @Command(name = "help", helpCommand = true, description = "Print the usage of jvk, or of a command.")
    static final class Help implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(arity = "0..1", paramLabel = "COMMAND", description = "The command whose usage to print.")
        String command;

        @Override
        public Integer call() {
            CommandLine root = spec.parent().commandLine();
            if (command == null) {
                root.usage(root.getOut());
                return 0;
            }
            CommandLine sub = root.getSubcommands().get(command);
            if (sub == null) {
                root.getErr().println(prefix("jvk") + unknownCommand(command, root) + " (see --help)");
                return USAGE;
            }
            sub.usage(root.getOut());
            return 0;
        }
    }

    /** The version line. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jvk " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
