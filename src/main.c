/* placeholder until the CLI lands */
#include <stdio.h>
int main(void) { puts("KTAP version 1\n1..0\n# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0"); return 4; }
