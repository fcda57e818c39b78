export { Proactive } from './Proactive';
