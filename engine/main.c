/* main.c: the vigie command. Everything is in cli.c and the engine. */
int vg_cli_main(int argc, char **argv);

int main(int argc, char **argv) { return vg_cli_main(argc, argv); }
