package org.sidis;
public class Sidis { public static void main(String[] a) { System.out.println("sidis"); } }
